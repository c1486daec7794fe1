using Aspects.Generators.Model;

namespace Aspects.Generators.Emitting;

/// <summary>
/// Writes the <c>[Batched]</c> layer: the declared method hands its key to the method's micro-batcher
/// (one per instance, or one per type for static methods, created on first use from the method's one
/// <c>BatchDefinition</c> field); a generated batch loader calls the user's batch body once per batch,
/// inside the <c>[Retry]</c>/<c>[RateLimited]</c> layers.
/// </summary>
internal static class BatchEmitter
{
    public static void EmitBody(SourceWriter writer, MethodModel model, BatchModel batch)
    {
        var field = Field(model);
        var values = "up to " + Literals.Int(batch.MaxBatchSize) + " distinct keys per call of " + model.CoreName
            + ", flushed " + (batch.MaxDelayMilliseconds == 0 ? "on the next turn of the thread pool" : Literals.Int(batch.MaxDelayMilliseconds) + " ms after a batch's first key")
            + "; a missing key " + (batch.ThrowOnMissingKey ? "throws KeyNotFoundException" : "yields default");
        writer.Line(batch.Policy is null
            ? "// [Batched] " + values + "."
            : "// [Batched] policy \"" + batch.Policy + "\" (defaults: " + values + "); new values apply to batches opened after a change.");
        writer.Line("var __batcher = " + field + ";");
        writer.Open("if (__batcher is null)");
        writer.Line("var __created = " + model.RuntimeExpression + ".CreateMicroBatcher<" + batch.KeyType + ", " + batch.ValueType + ">(");
        writer.Line("    " + DefinitionName(model) + ",");
        writer.Line("    " + (model.IsStatic ? string.Empty : "this.") + LoaderName(model) + ComparerArgument(model, batch) + ");");
        writer.Line("__batcher = global::System.Threading.Interlocked.CompareExchange(ref " + field + ", __created, null) ?? __created;");
        writer.Close();
        writer.Line();
        var call = "__batcher.GetAsync(" + batch.KeyParameter + ", " + Literals.Token(model.CancellationToken) + ")";
        writer.Line(model.Returns == ReturnKind.ValueTaskOfT
            ? "return new global::System.Threading.Tasks.ValueTask<" + batch.ValueType + ">(" + call + ");"
            : "return " + call + ";");
    }

    /// <summary>The batcher field, the method's definition, the key comparer when it needs one and the batch loader, written next to the method.</summary>
    public static void EmitMembers(SourceWriter writer, MethodModel model, BatchModel batch)
    {
        var isStatic = model.IsStatic ? "static " : string.Empty;
        var dictionary = "global::System.Collections.Generic.IReadOnlyDictionary<" + batch.KeyType + ", " + batch.ValueType + ">";
        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Line("private " + isStatic + BatcherType(batch) + "? " + FieldName(model) + ";");
        writer.Line();
        EmitDefinition(writer, model, batch);
        writer.Line();
        if (batch.ExactKey is { } exact)
        {
            writer.Line("// Keys of a batch are told apart as the body can tell them apart (a decimal's scale, the sign of a zero,");
            writer.Line("// a DateTime's kind), not by " + batch.KeyType.Replace("global::", string.Empty) + ".Equals.");
            writer.Line(MethodEmitter.GeneratedCodeAttribute);
            writer.Line("private static readonly global::System.Collections.Generic.IEqualityComparer<" + batch.KeyType + "> " + ComparerName(model)
                + " = new global::Aspects.Batching.ExactKeyComparer<" + batch.KeyType + ", " + CacheEmitter.ComponentType(exact) + ">(");
            writer.Line("    static __key => " + CacheEmitter.ComponentExpression(exact, "__key") + ",");
            writer.Line("    derivedByReference: " + Literals.Bool(batch.DerivedKeysByReference) + ");");
            writer.Line();
        }

        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Open("private " + isStatic + "async global::System.Threading.Tasks.Task<" + dictionary + "> " + LoaderName(model)
            + "(global::System.Collections.Generic.IReadOnlyList<" + batch.KeyType + "> keys, global::System.Threading.CancellationToken cancellationToken)");
        if (model.Retry is { } retry)
        {
            writer.Line(RetryEmitter.Describe(retry, wholeBatch: true));
        }

        if (model.RateLimit is { } rateLimit)
        {
            writer.Line(RateLimitEmitter.Describe(rateLimit, wholeBatch: true));
        }

        if (model.Retry is not null || model.RateLimit is not null)
        {
            writer.Line("var __runtime = " + model.RuntimeExpression + ";");
        }

        if (model.Retry is not null)
        {
            RetryEmitter.OpenLoop(writer, model, "__runtime");
        }

        if (model.RateLimit is { } limit)
        {
            writer.Line("await " + RateLimitEmitter.AcquireAsync(model, limit, RateLimitEmitter.Limiter(model, limit, "__runtime"), "__runtime", "cancellationToken") + ".ConfigureAwait(false);");
        }

        var core = (model.IsStatic ? model.SelfType + "." : "this.") + model.CoreName + "(keys" + (batch.CoreTakesToken ? ", cancellationToken" : string.Empty) + ")";
        writer.Line(batch.CoreReturnsList
            ? "return global::Aspects.Batching.BatchResults.Align(" + Literals.String(model.FullName) + ", keys, await " + core + ".ConfigureAwait(false)" + ComparerArgument(model, batch) + ");"
            : "return await " + core + ".ConfigureAwait(false);");

        if (model.Retry is { } retryLayer)
        {
            RetryEmitter.CloseLoop(writer, model, retryLayer, "__runtime", isAsync: true, token: "cancellationToken");
        }

        writer.Close();
    }

    /// <summary>
    /// The method's one static <c>BatchDefinition</c>: its full name, the attribute's values as <c>BatchingSettings</c>
    /// and, when the attribute names one, the policy that overrides them at run time.
    /// </summary>
    private static void EmitDefinition(SourceWriter writer, MethodModel model, BatchModel batch)
    {
        var name = Literals.String(model.FullName);
        var settings = Literals.New(
            "global::Aspects.Policies.BatchingSettings",
            ("maxBatchSize", Literals.Int(batch.MaxBatchSize)),
            ("maxDelayMilliseconds", Literals.Int(batch.MaxDelayMilliseconds)),
            ("throwOnMissingKey", Literals.Bool(batch.ThrowOnMissingKey)));
        MethodEmitter.EmitDefinition(
            writer,
            "global::Aspects.Batching.BatchDefinition",
            DefinitionName(model),
            batch.Policy is null ? [name, settings] : [name, settings, "policy: " + Literals.String(batch.Policy)]);
    }

    private static string ComparerArgument(MethodModel model, BatchModel batch) =>
        batch.ExactKey is null ? string.Empty : ", " + (model.IsStatic ? model.SelfType + "." : string.Empty) + ComparerName(model);

    private static string ComparerName(MethodModel model) => GeneratedNames.Member("BatchKeys", model.MemberSuffix);

    private static string DefinitionName(MethodModel model) => GeneratedNames.Member("Batch", model.MemberSuffix);

    private static string BatcherType(BatchModel batch) =>
        "global::Aspects.Batching.MicroBatcher<" + batch.KeyType + ", " + batch.ValueType + ">";

    private static string FieldName(MethodModel model) => GeneratedNames.Member("Batcher", model.MemberSuffix);

    private static string LoaderName(MethodModel model) => GeneratedNames.Member("LoadBatch", model.MemberSuffix);

    private static string Field(MethodModel model) =>
        (model.IsStatic ? model.SelfType + "." : "this.") + FieldName(model);
}
