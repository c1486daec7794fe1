using System.Text.RegularExpressions;
using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Tests;

/// <summary>Every descriptor is documented with an example and tracked in the analyzer release notes.</summary>
public class DiagnosticDocumentationTests
{
    private static IReadOnlyList<DiagnosticDescriptor> Descriptors => GeneratorDescriptors.All;

    [Fact]
    public void Every_descriptor_section_in_the_doc_shows_a_wrong_and_a_right_example()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics.md"));
        Assert.All(Descriptors, descriptor =>
        {
            var section = Regex.Match(doc, "^## " + descriptor.Id + "\n(?<body>.*?)(?=^## |\\z)", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(section.Success, $"docs/diagnostics.md has no section '## {descriptor.Id}'.");
            var body = section.Groups["body"].Value;
            Assert.Contains("```csharp", body);
            Assert.Matches("// (wrong|warns)", body);
            Assert.Contains("// right", body);
        });
    }

    [Fact]
    public void Every_descriptor_has_the_Aspects_category_and_is_listed_with_its_severity_in_the_release_notes()
    {
        var generator = Path.Combine(RepositoryPaths.Root, "generators", "Aspects.Generators");
        var releases = File.ReadAllText(Path.Combine(generator, "AnalyzerReleases.Shipped.md"))
            + File.ReadAllText(Path.Combine(generator, "AnalyzerReleases.Unshipped.md"));
        Assert.All(Descriptors, descriptor =>
        {
            Assert.Equal("Aspects", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Contains($"{descriptor.Id} | Aspects | {descriptor.DefaultSeverity} |", releases);
        });
    }

}
