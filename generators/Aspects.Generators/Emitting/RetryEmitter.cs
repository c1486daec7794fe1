using Aspects.Generators.Model;
using Aspects.Rules;

namespace Aspects.Generators.Emitting;

/// <summary>
/// The pieces of the <c>[Retry]</c> layer: its settings field (a <c>RetryDefinition</c>), loop, filter and delay. The
/// loop reads its settings through the field whether or not the method names a policy.
/// </summary>
internal static class RetryEmitter
{
    private const string Settings = "__retry";

    /// <summary>The comment above the layer, e.g. <c>// [Retry] up to 3 attempts; exponential backoff from 200 ms, …</c>.</summary>
    /// <param name="retry">The settings.</param>
    /// <param name="wholeBatch">Whether the attempts are of a whole batch (<c>[Batched]</c>'s loader) rather than of one call.</param>
    public static string Describe(RetryModel retry, bool wholeBatch = false)
    {
        var values = "up to " + Literals.Int(retry.MaxAttempts) + (wholeBatch ? " attempts of the whole batch; " : " attempts; ")
            + RetryRules.BackoffNames[retry.Backoff].ToLowerInvariant() + " backoff from "
            + Literals.Int(retry.DelayMilliseconds) + " ms, at most " + Literals.Int(retry.MaxDelayMilliseconds) + " ms"
            + (retry.Jitter ? ", with jitter" : string.Empty);
        var handles = "handles "
            + (retry.Handle.IsEmpty ? "transient exceptions" : string.Join(", ", retry.Handle.Select(h => h.Name)))
            + ".";
        return retry.Policy is null
            ? "// [Retry] " + values + "; " + handles
            : "// [Retry] policy \"" + retry.Policy + "\" (defaults: " + values + "); " + handles;
    }

    /// <summary>
    /// The method's <c>RetryDefinition</c> field: the attribute's values as <c>RetrySettings</c> with named arguments,
    /// and the policy name when there is one.
    /// </summary>
    public static void EmitMembers(SourceWriter writer, MethodModel model, RetryModel retry)
    {
        var settings = Literals.New(
            "global::Aspects.Policies.RetrySettings",
            ("maxAttempts", Literals.Int(retry.MaxAttempts)),
            ("delayMilliseconds", Literals.Int(retry.DelayMilliseconds)),
            ("maxDelayMilliseconds", Literals.Int(retry.MaxDelayMilliseconds)),
            ("backoff", Literals.Enum("RetryBackoff", RetryRules.BackoffNames[retry.Backoff])),
            ("jitter", Literals.Bool(retry.Jitter)));
        if (retry.Policy is null)
        {
            MethodEmitter.EmitDefinition(writer, "global::Aspects.Retrying.RetryDefinition", DefinitionName(model), settings);
        }
        else
        {
            MethodEmitter.EmitDefinition(writer, "global::Aspects.Retrying.RetryDefinition", DefinitionName(model), settings, "policy: " + Literals.String(retry.Policy));
        }
    }

    /// <summary>
    /// Opens the attempt loop of an asynchronous helper (off the fast path, so the settings are resolved here, once per
    /// call that gets this far); the caller writes one attempt, then calls <see cref="CloseLoop"/>.
    /// </summary>
    public static void OpenLoop(SourceWriter writer, MethodModel model, string runtime) =>
        OpenLoop(writer, model, runtime, isAsync: true);

    /// <summary>
    /// Opens the attempt loop. An asynchronous helper resolves the settings first; a synchronous loop, whose first
    /// attempt is the fast path, resolves them when an attempt fails, so a call that succeeds at once does no more
    /// than it would without them.
    /// </summary>
    public static void OpenLoop(SourceWriter writer, MethodModel model, string runtime, bool isAsync)
    {
        writer.Line(isAsync
            ? "var " + Settings + " = " + Resolve(model, runtime) + ";"
            : "global::Aspects.Policies.RetrySettings? " + Settings + " = null;");
        writer.Line("var __jitterState = 0d;");
        writer.Open("for (var __attempt = 1; ; __attempt++)");
        writer.Open("try");
    }

    /// <summary>
    /// Closes the attempt loop: a handled failure waits on the runtime clock, then the loop tries again. The loop observes
    /// <paramref name="token"/> when the code around it has its own (the batch loader's), else the method's token.
    /// </summary>
    public static void CloseLoop(SourceWriter writer, MethodModel model, RetryModel retry, string runtime, bool isAsync, string? resetLine = null, string? token = null)
    {
        token ??= model.CancellationToken;
        writer.Close();
        writer.Open("catch (global::System.Exception __exception) when (" + Filter(model, retry, runtime, token, isAsync) + ")");
        writer.Line("global::Aspects.Retrying.RetryTelemetry.Retrying(" + Literals.String(model.FullName) + ", __exception, __attempt);");
        if (resetLine is not null)
        {
            writer.Line(resetLine);
        }

        var delay = Settings + ".NextDelay(__attempt, ref __jitterState, " + runtime + ".Random)";
        writer.Line(isAsync
            ? "await " + runtime + ".DelayAsync(" + delay + ", " + Literals.Token(token) + ").ConfigureAwait(false);"
            : runtime + ".Delay(" + delay + ", " + Literals.Token(token) + ");");
        writer.Close();
        writer.Close();
    }

    private static string DefinitionName(MethodModel model) => GeneratedNames.Member("Retry", model.MemberSuffix);

    private static string Resolve(MethodModel model, string runtime) => DefinitionName(model) + ".Resolve(" + runtime + ")";

    /// <summary>Retry while attempts remain, the caller has not cancelled, and the exception is handled.</summary>
    private static string Filter(MethodModel model, RetryModel retry, string runtime, string? token, bool isAsync)
    {
        var settings = isAsync ? Settings : "(" + Settings + " ??= " + Resolve(model, runtime) + ")";
        var conditions = new List<string> { "__attempt < " + settings + ".MaxAttempts" };
        if (token is not null)
        {
            conditions.Add("!" + token + ".IsCancellationRequested");
        }

        conditions.Add(retry.Handle.IsEmpty
            ? runtime + ".IsTransient(__exception)"
            : "__exception is " + string.Join(" or ", retry.Handle.Select(h => h.Type)));
        return string.Join(" && ", conditions);
    }
}
