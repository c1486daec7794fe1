using System.Security;

namespace Aspects.Packaging.Tests;

/// <summary>
/// A user's first five minutes: a new console app, one PackageReference to Aspects by version, a
/// <c>[Cached]</c> + <c>[Retry]</c> method. Building it proves the generator loads from the package;
/// running it proves the wrapper retries and caches.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ConsumerAppTests(PackedFeed feed)
{
    private const string Program = """
        using Aspects;

        var catalog = new Catalog();
        Console.WriteLine("first: " + await catalog.GetNameAsync(7));
        Console.WriteLine("second: " + await catalog.GetNameAsync(7));
        Console.WriteLine("body calls: " + catalog.Calls);

        public sealed partial class Catalog
        {
            public int Calls { get; private set; }

            [Cached(DurationSeconds = 60)]
            [Retry(MaxAttempts = 3, DelayMilliseconds = 1)]
            public partial Task<string> GetNameAsync(int id, CancellationToken cancellationToken = default);

            // Times out once, then answers: the retry hides the failure, the cache the second call.
            private Task<string> GetNameCoreAsync(int id, CancellationToken cancellationToken) =>
                ++Calls == 1 ? throw new TimeoutException("first attempt times out") : Task.FromResult("product " + id);
        }
        """;

    [Fact]
    public async Task Console_app_referencing_Aspects_by_version_builds_with_the_packaged_generator_and_its_wrappers_retry_and_cache()
    {
        var app = Path.Combine(feed.Root, "consumer");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Aspects" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        // Stop MSBuild's and NuGet's upward search: nothing of the temp folder's parents may leak in.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "nuget.config"), NuGetConfig());

        var build = await DotnetCommand.RunAsync(app, PackedFeed.CommandTimeout, "build", "--configuration", "Release", "--disable-build-servers");
        var output = await DotnetCommand.RunAsync(app, PackedFeed.CommandTimeout, Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll"));

        Assert.Contains("0 Warning(s)", build);
        Assert.Equal(["first: product 7", "second: product 7", "body calls: 2"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.True(
            File.Exists(Path.Combine(app, "obj", "project.assets.json"))
            && File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")).Contains($"\"Aspects/{feed.Version}\"", StringComparison.Ordinal),
            "The app did not restore the Aspects package just packed.");
    }

    /// <summary>The temporary feed first, then the machine's own sources for Aspects' dependencies.</summary>
    private string NuGetConfig()
    {
        Assert.NotEmpty(feed.MachineSources);
        var sources = feed.MachineSources.Select((source, i) => $"""    <add key="machine-{i}" value="{SecurityElement.Escape(source)}" />""");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="aspects-under-test" value="{SecurityElement.Escape(feed.Feed)}" />
            {string.Join("\n", sources)}
              </packageSources>
            </configuration>
            """;
    }
}
