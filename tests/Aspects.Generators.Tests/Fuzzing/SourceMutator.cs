using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Tests.Fuzzing;

/// <summary>Mutates C# source the ways an editor does mid-keystroke, and the ways a confused user does.</summary>
internal sealed class SourceMutator(Random random)
{
    private static readonly string[] Fragments =
    [
        "partial", "static", "async", "ref", "out", "in", "params", "scoped", "readonly", "unsafe", "abstract", "extern", "virtual",
        "void", "int", "string?", "dynamic", "object", "Task", "Task<int>", "ValueTask<int?>", "Span<int>", "int*", "T", "IAsyncEnumerable<int>",
        "CancellationToken ct", "= default", "= null", "?", ",", "(", ")", "{", "}", ";", "<", ">", "[", "]", "=>", "this",
        "[Retry]", "[Cached]", "[Batched]", "[RateLimited(PermitsPerSecond = 1)]", "[InvalidatesCache(\"X\")]", "[NotCacheKey]",
        "where T : class", "nameof(GetProductAsync)", "#if X", "#endif", "/*", "\"", "'", "@", "global::", "Aspects.",
    ];

    private static readonly string[] AttributeValues =
    [
        "0", "-1", "1", "3", "int.MaxValue", "int.MinValue", "2.5", "double.NaN", "double.PositiveInfinity", "-0.0", "\"\"", "\" \"", "\"x\"",
        "null", "true", "(RetryBackoff)42", "(RateLimitMode)(-3)", "(RateLimitScope)2", "RateLimitMode.Reject", "[typeof(string)]",
        "[typeof(TimeoutException), null]", "[]", "[\"\", null]", "typeof(int)", "nameof(Missing)", "1 / 0",
    ];

    private static readonly string[] AttributeProperties =
    [
        "MaxAttempts", "DelayMilliseconds", "MaxDelayMilliseconds", "Backoff", "Jitter", "Handle", "PermitsPerSecond", "Burst", "Mode",
        "MaxWaitMilliseconds", "Scope", "Name", "Policy", "MaxBatchSize", "ThrowOnMissingKey", "DurationSeconds", "LocalDurationSeconds", "Tags",
    ];

    private static readonly string[] Aspects = ["Retry", "Cached", "Batched", "RateLimited", "InvalidatesCache"];

    /// <summary>One mutation of <paramref name="source"/>, sometimes two or three.</summary>
    public string Mutate(string source)
    {
        var count = random.Next(4) == 0 ? random.Next(2, 4) : 1;
        for (var i = 0; i < count; i++)
        {
            source = MutateOnce(source);
        }

        return source;
    }

    private string MutateOnce(string source)
    {
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        if (tokens.Count < 2)
        {
            return source;
        }

        var token = tokens[random.Next(tokens.Count)];
        switch (random.Next(10))
        {
            case 0: // delete a token
                return source.Remove(token.SpanStart, token.Span.Length);
            case 1: // duplicate a token
                return source.Insert(token.SpanStart, token.Text + " ");
            case 2: // swap two neighbouring tokens
            {
                var index = random.Next(tokens.Count - 1);
                var (first, second) = (tokens[index], tokens[index + 1]);
                return source[..first.SpanStart] + second.Text + source[first.Span.End..second.SpanStart] + first.Text + source[second.Span.End..];
            }

            case 3: // truncate the file
                return source[..random.Next(source.Length)];
            case 4: // replace a token with a fragment
                return source[..token.SpanStart] + Fragments[random.Next(Fragments.Length)] + source[token.Span.End..];
            case 5: // insert a fragment
                return source.Insert(token.SpanStart, Fragments[random.Next(Fragments.Length)] + " ");
            case 6: // a look-alike of a type next to it
                return CloneTypeUnderALookAlikeName(source);
            default: // random attribute arguments
                return RewriteAttribute(source);
        }
    }

    private string RewriteAttribute(string source)
    {
        var attributes = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<AttributeSyntax>()
            .Where(a => Aspects.Any(name => a.Name.ToString().EndsWith(name, StringComparison.Ordinal)))
            .ToList();
        if (attributes.Count == 0)
        {
            return source;
        }

        var attribute = attributes[random.Next(attributes.Count)];
        var text = new StringBuilder(random.Next(3) == 0 ? Aspects[random.Next(Aspects.Length)] : attribute.Name.ToString()).Append('(');
        var arguments = new List<string>();
        if (random.Next(4) == 0)
        {
            arguments.Add(AttributeValues[random.Next(AttributeValues.Length)]);
        }

        for (var i = random.Next(4); i > 0; i--)
        {
            arguments.Add(AttributeProperties[random.Next(AttributeProperties.Length)] + " = " + AttributeValues[random.Next(AttributeValues.Length)]);
        }

        text.Append(string.Join(", ", arguments)).Append(')');
        return source[..attribute.SpanStart] + text + source[attribute.Span.End..];
    }

    /// <summary>
    /// Copies a type declaration under a name that generated file names once confused with the original's:
    /// another case (<c>CatalogService</c>, <c>catalogService</c>), or, for a generic type, its name with its
    /// arity spelled out (<c>Inner&lt;T&gt;</c>, <c>InnerT1</c>) and without its type parameters.
    /// </summary>
    private string CloneTypeUnderALookAlikeName(string source)
    {
        var types = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().ToList();
        if (types.Count == 0)
        {
            return source;
        }

        var type = types[random.Next(types.Count)];
        var name = type.Identifier.Text;
        if (name.Length == 0)
        {
            return source; // a declaration the parser recovered without a name
        }

        TypeDeclarationSyntax clone;
        if (type.TypeParameterList is { } typeParameters && random.Next(2) == 0)
        {
            // The type parameters become a class nested in the clone, so the members still bind.
            clone = type.WithIdentifier(SyntaxFactory.Identifier(name + "T" + typeParameters.Parameters.Count))
                .WithTypeParameterList(null)
                .WithConstraintClauses(default)
                .AddMembers([.. typeParameters.Parameters.Select(p => SyntaxFactory.ParseMemberDeclaration("public sealed class " + p.Identifier.Text + " { }")!)]);
        }
        else
        {
            var flipped = char.IsUpper(name[0]) ? char.ToLowerInvariant(name[0]) : char.ToUpperInvariant(name[0]);
            clone = type.WithIdentifier(SyntaxFactory.Identifier(flipped + name[1..]));
        }

        return source.Insert(type.FullSpan.End, "\n" + clone.ToFullString() + "\n");
    }
}
