using Aspects.Generators.Model;
using Aspects.Rules;

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
        var isSynchronous = model.Returns == ReturnKind.Value;
        var lifetimes = Literals.Int(cache.DurationSeconds) + " s, "
            + (isSynchronous ? "in process only (synchronous)" : Literals.Int(CacheRules.LocalSecondsOf(cache.DurationSeconds, cache.LocalDurationSeconds)) + " s in process");
        writer.Line("// [Cached] " + (cache.Policy is null ? lifetimes : "policy \"" + cache.Policy + "\" (defaults: " + lifetimes + ")")
            + "; key: (" + string.Join(", ", cache.Key.Parts.Select(p => p.Parameter)) + ")"
            + (cache.Tags.IsEmpty ? string.Empty : "; tags: " + string.Join(", ", cache.Tags))
            + ". Entries are shared by all instances.");
        foreach (var part in cache.Key.Parts)
        {
            if (part.ExactRuntimeType is not null)
            {
                writer.Open("if (global::Aspects.Caching.CacheKeyTypes.IsDerived<" + part.ExactRuntimeType + ">(" + part.Parameter + "))");
                writer.Line("// A record derived from " + part.ExactRuntimeType.Replace("global::", string.Empty) + " may hold members the key does not: not cached.");
                writer.Line("return " + (model.IsStatic ? model.SelfType : "this") + "." + innerName + model.TypeParameters + "("
                    + string.Join(", ", model.Parameters.Select(p => p.Name)) + ");");
                writer.Close();
            }
        }

        writer.Line("var __cache = " + Region(model, model.MemberSuffix, cache.Key, cache.ValueType) + ";");
        writer.Line("var __key = " + KeyExpression(cache.Key) + ";");
        writer.Open("if (__cache.TryGetLocal(__key, out var __hit))");
        writer.Line("return " + (isSynchronous ? "__hit.Result" : Wrap(model, "__hit")) + ";");
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

            // The key expression tests a record argument for null, which would make the compiler think it may be null here.
            var tested = cache.Key.Parts.Any(p => p.Parameter == parameter.Name && p.Shape is { IsComposite: true, IsReference: true });
            state.Add(parameter.Name + (tested ? "!" : string.Empty));
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
        // A synchronous method is cached in process only, so no caller blocks on the network (docs/caching.md#synchronous-methods).
        writer.Line("return " + open + "__cache." + (isSynchronous ? "GetOrCreate" : "GetOrCreateAsync") + "(");
        writer.Line("    __key,");
        writer.Line("    " + StateExpression(state) + ",");
        writer.Line("    " + KeyBuilderName(model.MemberSuffix) + ",");
        writer.Line("    static (__state, __key, __token) => " + call + ",");
        writer.Line("    " + Literals.Token(model.CancellationToken) + ")" + close + ";");
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
        var fullName = Literals.String(cache.Name);
        var keyType = KeyType(cache.Key);
        var arguments = new List<string>
        {
            fullName,
            Literals.String(cache.ResultShape),

            // For a generic type, a static field per closed type: one definition, and one key name, per closed type.
            cache.TypeParameters.IsEmpty
                ? "global::System.Type.EmptyTypes"
                : "new global::System.Type[] { " + string.Join(", ", cache.TypeParameters.Select(t => "typeof(" + t + ")")) + " }",
            Settings(cache),
            "new string[] { " + string.Join(", ", cache.Tags.Select(t => Literals.String(t))) + " }",
        };
        if (cache.Policy is not null)
        {
            arguments.Add("policy: " + Literals.String(cache.Policy));
        }

        // A synchronous method never reads or writes the L2, so evicting it writes nothing there either.
        if (model.Returns == ReturnKind.Value)
        {
            arguments.Add("inProcessOnly: " + Literals.Bool(true));
        }

        MethodEmitter.EmitDefinition(writer, "global::Aspects.Caching.CacheDefinition", DefinitionName(model.MemberSuffix), [.. arguments]);
        writer.Line();

        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Open("private static string " + KeyBuilderName(model.MemberSuffix) + "(" + keyType + " __key)");
        writer.Line("var __builder = new global::Aspects.Caching.CacheKeyBuilder(" + DefinitionName(model.MemberSuffix) + ".KeyName);");
        var names = 0;
        for (var i = 0; i < cache.Key.Parts.Count; i++)
        {
            var access = cache.Key.Parts.Count == 1 && !cache.Key.WrapSingle ? "__key" : "__key.Item" + (i + 1);
            EmitAppend(writer, cache.Key.Parts[i].Shape, access, ref names);
        }

        writer.Line("return __builder.ToString();");
        writer.Close();
        writer.Line();

        var keyParameters = string.Join(string.Empty, cache.Key.Parts.Select(p => p.Shape.Type + " " + p.Parameter + ", "));
        writer.Line("/// <summary>");
        writer.Line("/// Evicts what <c>" + model.Name + "</c> cached for these arguments: in process, in the distributed tier and,");
        writer.Line("/// through the backplane, in every other process. Entries are per method, not per instance.");
        writer.Line("/// </summary>");
        writer.Line(MethodEmitter.GeneratedCodeAttribute);
        writer.Line((model.Accessibility.Length > 0 ? model.Accessibility + " " : "private ") + (model.IsStatic ? "static " : string.Empty)
            + "global::System.Threading.Tasks.ValueTask " + GeneratedNames.InvalidateMethod(model.Name) + "(" + keyParameters
            + "global::System.Threading.CancellationToken cancellationToken = default) =>");
        writer.Line("    " + Region(model, model.MemberSuffix, cache.Key, cache.ValueType) + ".InvalidateAsync(" + KeyExpression(cache.Key) + ", "
            + KeyBuilderName(model.MemberSuffix) + ", cancellationToken);");
    }

    /// <summary>
    /// Writes the L2 text of one key component: a leaf is one segment (<c>\\0</c> when null); a composite is its
    /// members' segments, behind a presence segment when it may be null, so the text parses back one way only.
    /// </summary>
    internal static void EmitAppend(SourceWriter writer, KeyShape shape, string access, ref int names)
    {
        var mayBeNull = shape.IsNullableValueType || (shape.IsComposite && shape.IsReference);
        if (mayBeNull)
        {
            var name = "__part" + ++names;
            writer.Open("if (" + access + " is { } " + name + ")");
            if (shape.IsComposite)
            {
                writer.Line("__builder.AppendPresent();");
            }

            access = name;
        }

        if (shape.IsComposite)
        {
            for (var i = 0; i < shape.Members.Count; i++)
            {
                EmitAppend(writer, shape.Members[i].Shape, access + ".Item" + (i + 1), ref names);
            }
        }
        else
        {
            writer.Line("__builder.Append(" + access + (shape.ExactType is null ? string.Empty : ".Value") + ");");
        }

        if (mayBeNull)
        {
            writer.Close();
            writer.Open("else");
            writer.Line("__builder.AppendNull();");
            writer.Close();
        }
    }

    /// <summary>The type of a key component in the in-process key.</summary>
    internal static string ComponentType(KeyShape shape)
    {
        if (!shape.IsComposite)
        {
            return shape.ExactType is null ? shape.Type : shape.ExactType + (shape.IsNullableValueType ? "?" : string.Empty);
        }

        var members = shape.Members.Select(m => ComponentType(m.Shape)).ToList();
        var tuple = members.Count switch
        {
            0 => "global::System.ValueTuple",
            1 => "global::System.ValueTuple<" + members[0] + ">",
            _ => "(" + string.Join(", ", members) + ")",
        };
        return shape.IsNullableValueType || shape.IsReference ? tuple + "?" : tuple;
    }

    /// <summary>The expression that turns <paramref name="value"/> into its in-process key component.</summary>
    internal static string ComponentExpression(KeyShape shape, string value)
    {
        if (!shape.IsComposite)
        {
            return shape.ExactType is null ? value : "(" + ComponentType(shape) + ")" + value;
        }

        var type = ComponentType(shape);
        if (shape.IsNullableValueType)
        {
            return "(" + value + ".HasValue ? (" + type + ")" + MembersExpression(shape, value + ".GetValueOrDefault()") + " : null)";
        }

        return shape.IsReference
            ? "(" + value + " is null ? null : (" + type + ")" + MembersExpression(shape, value) + ")"
            : MembersExpression(shape, value);
    }

    private static string MembersExpression(KeyShape shape, string value)
    {
        var members = shape.Members.Select(m => ComponentExpression(m.Shape, value + "." + m.Name)).ToList();
        return members.Count switch
        {
            0 => "default(global::System.ValueTuple)",
            1 => "new global::System.ValueTuple<" + ComponentType(shape.Members[0].Shape) + ">(" + members[0] + ")",
            _ => "(" + string.Join(", ", members) + ")",
        };
    }

    private static string Region(MethodModel model, string suffix, CacheKeyModel key, string valueType) =>
        model.RuntimeExpression + ".Cache.Region<" + KeyType(key) + ", " + valueType + ">(" + DefinitionName(suffix) + ")";

    private static string Wrap(MethodModel model, string task) =>
        model.Returns == ReturnKind.ValueTaskOfT ? "new global::System.Threading.Tasks.ValueTask<" + model.ResultType + ">(" + task + ")" : task;

    private static string KeyType(CacheKeyModel key) => key.Parts.Count switch
    {
        0 => "global::System.ValueTuple",
        1 when key.WrapSingle => "global::System.ValueTuple<" + ComponentType(key.Parts[0].Shape) + ">",
        1 => ComponentType(key.Parts[0].Shape),
        _ => "(" + string.Join(", ", key.Parts.Select(p => ComponentType(p.Shape))) + ")",
    };

    private static string KeyExpression(CacheKeyModel key) => key.Parts.Count switch
    {
        0 => "default(global::System.ValueTuple)",
        1 when key.WrapSingle => "new global::System.ValueTuple<" + ComponentType(key.Parts[0].Shape) + ">(" + ComponentExpression(key.Parts[0].Shape, key.Parts[0].Parameter) + ")",
        1 => ComponentExpression(key.Parts[0].Shape, key.Parts[0].Parameter),
        _ => "(" + string.Join(", ", key.Parts.Select(p => ComponentExpression(p.Shape, p.Parameter))) + ")",
    };

    private static string StateExpression(List<string> state) => state.Count switch
    {
        0 => "default(global::System.ValueTuple)",
        1 => "global::System.ValueTuple.Create(" + state[0] + ")",
        _ => "(" + string.Join(", ", state) + ")",
    };

    /// <summary>The attribute's lifetimes as the runtime's settings object, with named arguments.</summary>
    private static string Settings(CacheModel cache) => Literals.New(
        "global::Aspects.Policies.CacheSettings",
        ("durationSeconds", Literals.Int(cache.DurationSeconds)),
        ("localDurationSeconds", Literals.Int(cache.LocalDurationSeconds)));

    private static string DefinitionName(string suffix) => GeneratedNames.Member("Cache", suffix);

    private static string KeyBuilderName(string suffix) => GeneratedNames.Member("CacheKey", suffix);
}
