using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Model;

/// <summary>An equatable stand-in for a <see cref="Diagnostic"/>, carried through the pipeline.</summary>
/// <param name="Descriptor">What is reported.</param>
/// <param name="Location">Where.</param>
/// <param name="MessageArgs">The message's arguments.</param>
/// <param name="Property">One entry of <see cref="Diagnostic.Properties"/> for a code fix, or <see langword="null"/>.</param>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs, (string Key, string Value)? Property = null)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] messageArgs) =>
        new(descriptor, LocationInfo.From(location), new EquatableArray<string>(messageArgs));

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(
            Descriptor,
            Location?.ToLocation(),
            Property is { } property ? ImmutableDictionary<string, string?>.Empty.Add(property.Key, property.Value) : null,
            MessageArgs.ToArray<object>());
}
