using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.CodeFixes;

/// <summary>The text conventions the fixes write with (the body's name is <see cref="Aspects.Generators.Parsing.CoreMethodName"/>).</summary>
internal static class Naming
{
    /// <summary>Short type names as the user would write them at a position (given their usings), with <c>?</c> annotations.</summary>
    public static readonly SymbolDisplayFormat Minimal = SymbolDisplayFormat.MinimallyQualifiedFormat.AddMiscellaneousOptions(
        SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The whitespace that indents <paramref name="node"/>'s first line.</summary>
    public static string IndentationOf(SyntaxNode node)
    {
        var leading = node.GetLeadingTrivia();
        return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
            ? leading[leading.Count - 1].ToString()
            : string.Empty;
    }

    /// <summary>The document's line break, so inserted code does not mix CRLF into an LF file or the reverse.</summary>
    public static string NewLineOf(SyntaxNode root) =>
        root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToString() is { Length: > 0 } newLine ? newLine : "\n";
}
