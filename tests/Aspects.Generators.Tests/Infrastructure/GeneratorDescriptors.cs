using Aspects.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Tests.Infrastructure;

/// <summary>The generator's diagnostic descriptors, for tests that check all of them (docs, release notes, fixes).</summary>
internal static class GeneratorDescriptors
{
    /// <summary>Every descriptor <c>DiagnosticDescriptors</c> declares.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = typeof(DiagnosticDescriptors)
        .GetFields()
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToList();
}
