using Aspects.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Aspects.Generators.Emitting;

/// <summary>
/// Writes the <c>[Cached]</c> and <c>[InvalidatesCache]</c> layers, the outermost ones: a hit in the
/// process-local tier returns the stored completed task (no permit, no batch, no allocation); a miss
/// goes to the runtime's tiered cache, which runs the inner layers once per key.
/// </summary>
internal static class CacheEmitter
{
    public static void EmitCachedBody(SourceWriter writer, MethodModel model, CacheModel cache, string innerName)
    {
        var lifetimes = RetryEmitter.Number(cache.DurationSeconds) + " s, " + RetryEmitter.Number(cache.LocalDurationSeconds) + " s in process";
        writer.Line("// [Cached] " + (cache.Policy is null ? lifetimes : "policy \"" + cache.Policy + "\" (defaults: " + lifetimes + ")")
            + "; key: (" + string.Join(", ", cache.Key.Parts.Select(p => p.Parameter)) + ")"
            + (cache.Tags.IsEmpty ? string.Empty : "; tags: " + string.Join(", ", cache.Tags))
            + ". Entries are shared by all instances.");
        writer.Line("var __cache = " + Region(model, model.MemberSuffix, cache.Key, cache.ValueType) + ";");
        writer.Line("var __key = " + KeyExpression(cache.Key) + ";");
        writer.Open("if (__cache.TryGetLocal(__key, out var __hit))");
        writer.Line("return " + Wrap(model, "__hit") + ";");
        writer.Close();
        writer.Line();

        var state = new List<string>();
        var arguments = new List<string>();
        var receiver = model.IsStatic ? model.SelfType : null;
        if (!model.IsStatic)
        {
            state.Add("this");
            receiver = "__state.Item1";
        }

        foreach (var parameter in model.Parameters)
        {
            if (parameter.Name == model.CancellationToken || parameter.Type == "global::System.Threading.CancellationToken")
            {
                arguments.Add("__token");
                continue;
            }

            state.Add(parameter.Name);
            arguments.Add("__state.Item" + state.Count);
        }

        var call = receiver + "." + innerName + model.TypeParameters + "(" + string.Join(", ", arguments) + ")";
        if (model.Returns == ReturnKind.ValueTaskOfT)
        {
            call += ".AsTask()";
        }

        var (open, close) = model.Returns == ReturnKind.ValueTaskOfT
            ? ("new global::System.Threading.Tasks.ValueTask<" + model.ResultType + ">(", ")")
            : (string.Empty, string.Empty);
        writer.Line("return " + open + "__cache.GetOrCreateAsync(");
        writer.Line("    __key,");
        writer.Line("    " + StateExpression(state) + ",");
        writer.Line("    " + KeyBuilderName(model.MemberSuffix) + ",");
        writer.Line("    static (__state, __key, __token) => " + call + ",");
        writer.Line("    " + RetryEmitter.Token(model.CancellationToken) + ")" + close + ";");
    }

    /// <summary>The body of a method with <c>[InvalidatesCache]</c>: run the inner call, then evict.</summary>
    public static void EmitInvalidatingBody(SourceWriter writer, MethodModel model, string innerCall)
    {
        writer.Line("// [InvalidatesCache] after success, evicts the entries this call changed, in every tier and on every node;");
        writer.Line("// not cancellable, since the change has been made.");
        var isAsync = model.Returns.IsAsync();
        var awaitPrefix = isAsync ? "await " : string.Empty;
        var awaitSuffix = isAsync ? ".ConfigureAwait(false)" : string.Empty;
        writer.Line(model.Returns.HasResult()
            ? "var __result = " + awaitPrefix + innerCall + awaitSuffix + ";"
            : awaitPrefix + innerCall + awaitSuffix + ";");
        foreach (var invalidation in model.Invalidations)
        {
            var evict = Region(model, invalidation.TargetSuffix, invalidation.Key, invalidation.ValueType)
                + ".InvalidateAsync(" + KeyExpression(invalidation.Key) + ", " + KeyBuilderName(invalidation.TargetSuffix)
                + ", global::System.Threading.CancellationToken.None)";
            writer.Line(isAsync ? "await " + evict + ".ConfigureAwait(false);" : evict + ".AsTask().GetAwaiter().GetResult();");
        }

        if (model.Returns.HasResult())
        {
            writer.Line("return __result;");
        }
    }

    /// <summary>The cache definition, the L2 key builder and the public <c>Invalidate{Name}</c> method.</summary>
    public static void EmitMembers(SourceWriter writer, MethodModel model, CacheModel cache)
    {
        var fullName = SymbolDisplay.FormatLiteral(cache.Name, quote: true);
        var keyType = KeyType(cache.Key);
        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Line("private static readonly global::Aspects.Caching.CacheDefinition " + DefinitionName(model.MemberSuffix) + " = new(");
        writer.Line("    " + fullName + ",");
        if (!cache.TypeParameters.IsEmpty)
        {
            // A static field of the generic type: one definition, and one key name, per closed type.
            writer.Line("    new global::System.Type[] { " + string.Join(", ", cache.TypeParameters.Select(t => "typeof(" + t + ")")) + " },");
        }

        writer.Line("    global::System.TimeSpan.FromSeconds(" + RetryEmitter.Number(cache.DurationSeconds) + "),");
        writer.Line("    global::System.TimeSpan.FromSeconds(" + RetryEmitter.Number(cache.LocalDurationSeconds) + "),");
        writer.Line("    new string[] { " + string.Join(", ", cache.Tags.Select(t => SymbolDisplay.FormatLiteral(t, quote: true))) + " },");
        writer.Line("    " + (cache.Policy is null ? "null" : SymbolDisplay.FormatLiteral(cache.Policy, quote: true)) + ");");
        writer.Line();

        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Open("private static string " + KeyBuilderName(model.MemberSuffix) + "(" + keyType + " __key)");
        writer.Line("var __builder = new global::Aspects.Caching.CacheKeyBuilder(" + DefinitionName(model.MemberSuffix) + ".KeyName);");
        for (var i = 0; i < cache.Key.Parts.Count; i++)
        {
            var part = cache.Key.Parts[i];
            var access = cache.Key.Parts.Count == 1 && !cache.Key.WrapSingle ? "__key" : "__key.Item" + (i + 1);
            var value = part.ExactType is null ? string.Empty : ".Value";
            if (part.IsNullableValueType)
            {
                writer.Open("if (" + access + " is { } __part" + (i + 1) + ")");
                writer.Line("__builder.Append(__part" + (i + 1) + value + ");");
                writer.Close();
                writer.Open("else");
                writer.Line("__builder.AppendNull();");
                writer.Close();
            }
            else
            {
                writer.Line("__builder.Append(" + access + value + ");");
            }
        }

        writer.Line("return __builder.ToString();");
        writer.Close();
        writer.Line();

        var keyParameters = string.Join(string.Empty, cache.Key.Parts.Select(p => p.Type + " " + p.Parameter + ", "));
        writer.Line("/// <summary>");
        writer.Line("/// Evicts what <c>" + model.Name + "</c> cached for these arguments: in process, in the distributed tier and,");
        writer.Line("/// through the backplane, in every other process. Entries are per method, not per instance.");
        writer.Line("/// </summary>");
        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Line((model.Accessibility.Length > 0 ? model.Accessibility + " " : "private ") + (model.IsStatic ? "static " : string.Empty)
            + "global::System.Threading.Tasks.ValueTask Invalidate" + model.Name.TrimStart('@') + "(" + keyParameters
            + "global::System.Threading.CancellationToken cancellationToken = default) =>");
        writer.Line("    " + Region(model, model.MemberSuffix, cache.Key, cache.ValueType) + ".InvalidateAsync(" + KeyExpression(cache.Key) + ", "
            + KeyBuilderName(model.MemberSuffix) + ", cancellationToken);");
    }

    private static string Region(MethodModel model, string suffix, CacheKeyModel key, string valueType) =>
        model.RuntimeExpression + ".Cache.Region<" + KeyType(key) + ", " + valueType + ">(" + DefinitionName(suffix) + ")";

    private static string Wrap(MethodModel model, string task) =>
        model.Returns == ReturnKind.ValueTaskOfT ? "new global::System.Threading.Tasks.ValueTask<" + model.ResultType + ">(" + task + ")" : task;

    private static string KeyType(CacheKeyModel key) => key.Parts.Count switch
    {
        0 => "global::System.ValueTuple",
        1 when key.WrapSingle => "global::System.ValueTuple<" + key.Parts[0].ComponentType + ">",
        1 => key.Parts[0].ComponentType,
        _ => "(" + string.Join(", ", key.Parts.Select(p => p.ComponentType)) + ")",
    };

    private static string KeyExpression(CacheKeyModel key) => key.Parts.Count switch
    {
        0 => "default(global::System.ValueTuple)",
        1 when key.WrapSingle => "new global::System.ValueTuple<" + key.Parts[0].ComponentType + ">(" + key.Parts[0].ComponentExpression + ")",
        1 => key.Parts[0].ComponentExpression,
        _ => "(" + string.Join(", ", key.Parts.Select(p => p.ComponentExpression)) + ")",
    };

    private static string StateExpression(List<string> state) => state.Count switch
    {
        0 => "default(global::System.ValueTuple)",
        1 => "global::System.ValueTuple.Create(" + state[0] + ")",
        _ => "(" + string.Join(", ", state) + ")",
    };

    private static string DefinitionName(string suffix) => "__aspectsCache_" + suffix;

    private static string KeyBuilderName(string suffix) => "__aspectsCacheKey_" + suffix;
}
