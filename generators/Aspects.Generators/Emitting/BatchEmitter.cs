using Aspects.Generators.Model;

namespace Aspects.Generators.Emitting;

/// <summary>
/// Writes the <c>[Batched]</c> layer: the declared method hands its key to the method's micro-batcher
/// (one per instance, or one per type for static methods, created on first use); a generated batch
/// loader calls the user's batch body once per batch, inside the <c>[Retry]</c>/<c>[RateLimited]</c> layers.
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
        writer.Line("    " + Literals.String(model.FullName) + ",");
        writer.Line("    " + (model.IsStatic ? string.Empty : "this.") + LoaderName(model) + ",");
        writer.Line(batch.Policy is null
            ? "    new global::Aspects.Batching.MicroBatcherOptions { MaxBatchSize = " + Literals.Int(batch.MaxBatchSize)
                + ", MaxDelay = global::System.TimeSpan.FromMilliseconds(" + Literals.Int(batch.MaxDelayMilliseconds) + "), ThrowOnMissingKey = "
                + Literals.Bool(batch.ThrowOnMissingKey) + " }" + ComparerArgument(model, batch) + ");"
            : "    " + PolicyBindingName(model) + ComparerArgument(model, batch) + ");");
        writer.Line("__batcher = global::System.Threading.Interlocked.CompareExchange(ref " + field + ", __created, null) ?? __created;");
        writer.Close();
        writer.Line();
        var call = "__batcher.GetAsync(" + batch.KeyParameter + ", " + Literals.Token(model.CancellationToken) + ")";
        writer.Line(model.Returns == ReturnKind.ValueTaskOfT
            ? "return new global::System.Threading.Tasks.ValueTask<" + batch.ValueType + ">(" + call + ");"
            : "return " + call + ";");
    }

    /// <summary>The batcher field and the batch loader, written next to the method.</summary>
    public static void EmitMembers(SourceWriter writer, MethodModel model, BatchModel batch)
    {
        var isStatic = model.IsStatic ? "static " : string.Empty;
        var dictionary = "global::System.Collections.Generic.IReadOnlyDictionary<" + batch.KeyType + ", " + batch.ValueType + ">";
        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Line("private " + isStatic + BatcherType(batch) + "? " + FieldName(model) + ";");
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
            writer.Line(RetryEmitter.Describe(retry).Replace("attempts;", "attempts of the whole batch;"));
        }

        if (model.RateLimit is { } rateLimit)
        {
            writer.Line(RateLimitEmitter.Describe(rateLimit).Replace("Every attempt", "Every batch attempt"));
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

    /// <summary>The static field binding a method with <c>[Batched(Policy = ...)]</c> to its policy.</summary>
    public static void EmitPolicyMember(SourceWriter writer, MethodModel model, BatchModel batch) =>
        MethodEmitter.EmitPolicyBinding(writer, "BatchingPolicyBinding", PolicyBindingName(model), batch.Policy!,
            "new global::Aspects.Policies.BatchingSettings(" + Literals.Int(batch.MaxBatchSize) + ", "
            + Literals.Int(batch.MaxDelayMilliseconds) + ", " + Literals.Bool(batch.ThrowOnMissingKey) + ")");

    private static string ComparerArgument(MethodModel model, BatchModel batch) =>
        batch.ExactKey is null ? string.Empty : ", " + (model.IsStatic ? model.SelfType + "." : string.Empty) + ComparerName(model);

    private static string ComparerName(MethodModel model) => GeneratedNames.Member("BatchKeys", model.MemberSuffix);

    private static string PolicyBindingName(MethodModel model) => GeneratedNames.Member("BatchPolicy", model.MemberSuffix);

    private static string BatcherType(BatchModel batch) =>
        "global::Aspects.Batching.MicroBatcher<" + batch.KeyType + ", " + batch.ValueType + ">";

    private static string FieldName(MethodModel model) => GeneratedNames.Member("Batcher", model.MemberSuffix);

    private static string LoaderName(MethodModel model) => GeneratedNames.Member("LoadBatch", model.MemberSuffix);

    private static string Field(MethodModel model) =>
        (model.IsStatic ? model.SelfType + "." : "this.") + FieldName(model);
}
