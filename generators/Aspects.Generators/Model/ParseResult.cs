namespace Aspects.Generators.Model;

/// <summary>What parsing one annotated method produced: a model to emit (when valid) and diagnostics.</summary>
internal sealed record ParseResult(MethodModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
