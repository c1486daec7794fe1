using System.Globalization;
using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>Reads an aspect attribute's named arguments and reports invalid values where they are written.</summary>
internal sealed class AttributeReader(AttributeData attribute, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
{
    private readonly int _diagnosticsBefore = diagnostics.Count;

    private string? _shortName;

    /// <summary>The attribute as users write it (<c>Retry</c>), for messages; formatted only when one is reported.</summary>
    public string ShortName => _shortName ??= AttributeNames.ShortName(attribute.AttributeClass?.ToDisplayString() ?? string.Empty);

    /// <summary>Whether any value was reported invalid since this reader was created.</summary>
    public bool HasErrors => diagnostics.Count > _diagnosticsBefore;

    public T Get<T>(string name, T defaultValue)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is T value)
            {
                return value;
            }
        }

        return defaultValue;
    }

    public IEnumerable<TypedConstant> GetArray(string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Kind == TypedConstantKind.Array && !argument.Value.IsNull)
            {
                return argument.Value.Values;
            }
        }

        return [];
    }

    /// <summary>Reads <c>Policy</c>: <see langword="null"/> when absent; a name that configuration can address otherwise (else reported).</summary>
    public string? GetPolicy()
    {
        var policy = Get<string?>("Policy", null);
        if (policy is not null && (policy.Trim().Length == 0 || policy.IndexOf(':') >= 0 || policy.Trim().Length != policy.Length))
        {
            Invalid("Policy", "\"" + policy + "\"", "a policy is looked up by name under Aspects:{Section}:{name}, so it must be non-empty, without ':' and without surrounding spaces; leave Policy out to use the attribute's values only");
        }

        return policy;
    }

    public void Invalid(string property, object value, string why) =>
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.InvalidAttributeValue,
            ArgumentLocation(property),
            ShortName,
            property,
            Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
            why));

    public void Report(DiagnosticDescriptor descriptor, string property, params string[] messageArgs) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, ArgumentLocation(property), messageArgs));

    /// <summary>The named argument's location, so the squiggle lands on the bad value; else the attribute's.</summary>
    private Location? ArgumentLocation(string name)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return null;
        }

        var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name);
        return (argument ?? (SyntaxNode)syntax).GetLocation();
    }
}
