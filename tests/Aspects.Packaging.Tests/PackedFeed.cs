using System.Reflection;

namespace Aspects.Packaging.Tests;

/// <summary>
/// Packs the repository's three packages once, with a version unique to this run, into a temporary
/// folder feed. The unique version means no copy of Aspects cached by an earlier run can stand in for
/// the one just packed; it is removed from the NuGet package cache again when the tests are done.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>Generous for 2 busy cores; a hung child fails the test instead of the CI run.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    public string Version { get; } = $"0.1.0-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "aspects-packaging-" + Guid.NewGuid().ToString("N"));

    public string Feed => Path.Combine(Root, "feed");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Configuration => Metadata("Configuration");

    /// <summary>The sources the machine's own NuGet configuration enables, for the consumer's other dependencies.</summary>
    public IReadOnlyList<string> MachineSources { get; private set; } = [];

    private string? _globalPackages;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        await DotnetCommand.RunAsync(
            RepositoryRoot,
            CommandTimeout,
            "pack", Path.Combine(RepositoryRoot, "Aspects.sln"),
            "--no-build",
            "--configuration", Configuration,
            "--output", Feed,
            "--disable-build-servers",
            "-p:PackageVersion=" + Version,
            "-p:NuspecOutputPath=" + Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar);

        // "E https://…" per enabled source, as configured for this machine and user (not hard-coded here).
        var sources = await DotnetCommand.RunAsync(RepositoryRoot, CommandTimeout, "nuget", "list", "source", "--format", "Short");
        MachineSources = sources.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .ToList();

        var locals = await DotnetCommand.RunAsync(RepositoryRoot, CommandTimeout, "nuget", "locals", "global-packages", "--list");
        _globalPackages = locals.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("global-packages:", StringComparison.Ordinal))?
            ["global-packages:".Length..].Trim();
    }

    public Task DisposeAsync()
    {
        if (_globalPackages is { Length: > 0 })
        {
            foreach (var id in new[] { "aspects", "aspects.redis", "aspects.postgresql" })
            {
                var cached = Path.Combine(_globalPackages, id, Version);
                if (Directory.Exists(cached))
                {
                    Directory.Delete(cached, recursive: true);
                }
            }
        }

        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        return Task.CompletedTask;
    }

    public string Package(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    private static string Metadata(string key) =>
        typeof(PackedFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>Every test that reads the packed feed shares one pack.</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packed feed";
}
