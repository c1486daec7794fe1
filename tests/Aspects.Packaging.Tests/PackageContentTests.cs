using System.IO.Compression;
using System.Xml.Linq;

namespace Aspects.Packaging.Tests;

/// <summary>What each package holds and declares, read from the .nupkg and .snupkg files themselves.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageContentTests(PackedFeed feed)
{
    [Fact]
    public void Aspects_package_holds_the_runtime_with_its_xml_docs_the_generator_and_the_code_fixes()
    {
        var entries = Entries(feed.Package("Aspects"));

        Assert.Contains("lib/net10.0/Aspects.dll", entries);
        Assert.Contains("lib/net10.0/Aspects.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/Aspects.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Aspects.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        // The analyzers must not leak into the user's references.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Aspects")]
    [InlineData("Aspects.Redis")]
    [InlineData("Aspects.PostgreSql")]
    public void Every_package_declares_an_MIT_licence_its_readme_and_repository_and_has_a_symbol_package(string id)
    {
        var metadata = Nuspec(feed.Package(id));

        Assert.Equal(feed.Version, Value(metadata, "version"));
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Contains("README.md", Entries(feed.Package(id)));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.StartsWith("https://", repository.Attribute("url")?.Value);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? string.Empty);

        Assert.Contains($"lib/net10.0/{id}.pdb", Entries(feed.Package(id, "snupkg")));
    }

    [Theory]
    [InlineData("Aspects.Redis")]
    [InlineData("Aspects.PostgreSql")]
    public void Integration_packages_depend_on_the_same_Aspects_version_including_its_generator(string id)
    {
        var dependency = Nuspec(feed.Package(id)).Descendants().Single(e => e.Name.LocalName == "dependency" && e.Attribute("id")?.Value == "Aspects");

        Assert.Equal(feed.Version, dependency.Attribute("version")?.Value);
        Assert.DoesNotContain("Analyzers", dependency.Attribute("exclude")?.Value ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Aspects")]
    [InlineData("Aspects.Redis")]
    [InlineData("Aspects.PostgreSql")]
    public void Every_package_readme_is_its_own_with_links_that_work_outside_the_repository(string id)
    {
        var readme = Readme(feed.Package(id));

        Assert.StartsWith($"# {id}\n", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        // The repository README describes the clone (its layout, its scripts); a package page must not.
        Assert.DoesNotContain("## Layout", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("](docs/", readme, StringComparison.Ordinal);
    }

    private static string Readme(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry("README.md")!.Open());
        return reader.ReadToEnd();
    }

    private static List<string> Entries(string package)
    {
        Assert.True(File.Exists(package), $"{Path.GetFileName(package)} was not packed.");
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static XElement Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
}
