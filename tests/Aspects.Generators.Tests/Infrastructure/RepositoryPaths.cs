namespace Aspects.Generators.Tests.Infrastructure;

/// <summary>
/// Paths in the repository, found from the test assembly's location: source paths baked in at compile
/// time are no help, because CI builds map them to <c>/_/</c> (deterministic builds).
/// </summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aspects.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Aspects.sln above {AppContext.BaseDirectory}: run the tests from a checkout of the repository.");
    });

    /// <summary>The folder that holds <c>Aspects.sln</c>.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The folder of this test project's sources.</summary>
    public static string TestProject => Path.Combine(Root, "tests", "Aspects.Generators.Tests");
}
