using Aspects.Generators.Model;

namespace Aspects.Generators.Emitting;

/// <summary>The pieces of the <c>[Retry]</c> layer: its loop, filter and delay.</summary>
internal static class RetryEmitter
{
    public static string Describe(RetryModel retry, bool wholeBatch = false)
    {
        var values = "up to " + Literals.Int(retry.MaxAttempts) + (wholeBatch ? " attempts of the whole batch; " : " attempts; ") + retry.Backoff.ToLowerInvariant() + " backoff from "
            + Literals.Int(retry.DelayMilliseconds) + " ms, at most " + Literals.Int(retry.MaxDelayMilliseconds) + " ms"
            + (retry.Jitter ? ", with jitter" : string.Empty);
        var handles = "handles "
            + (retry.Handle.IsEmpty ? "transient exceptions" : string.Join(", ", retry.Handle.Select(h => h.Replace("global::", string.Empty))))
            + ".";
        return retry.Policy is null
            ? "// [Retry] " + values + "; " + handles
            : "// [Retry] policy \"" + retry.Policy + "\" (defaults: " + values + "); " + handles;
    }

    /// <summary>Opens the attempt loop; the caller writes one attempt, then calls <see cref="CloseLoop"/>.</summary>
    public static void OpenLoop(SourceWriter writer, MethodModel model, string runtime)
    {
        if (model.Retry?.Policy is not null)
        {
            // The policy's current values, read once per call that needs a retry.
            writer.Line("var __retry = " + BindingName(model) + ".Resolve(" + runtime + ");");
        }

        writer.Line("var __jitterState = 0d;");
        writer.Open("for (var __attempt = 1; ; __attempt++)");
        writer.Open("try");
    }

    /// <summary>The static field binding a method with <c>[Retry(Policy = ...)]</c> to its policy.</summary>
    public static void EmitPolicyMember(SourceWriter writer, MethodModel model, RetryModel retry) =>
        MethodEmitter.EmitPolicyBinding(writer, "RetryPolicyBinding", BindingName(model), retry.Policy!,
            "new global::Aspects.Policies.RetrySettings(" + Literals.Int(retry.MaxAttempts) + ", " + Literals.Int(retry.DelayMilliseconds) + ", "
            + Literals.Int(retry.MaxDelayMilliseconds) + ", global::Aspects.RetryBackoff." + retry.Backoff + ", " + Literals.Bool(retry.Jitter) + ")");

    private static string BindingName(MethodModel model) => GeneratedNames.Member("RetryPolicy", model.MemberSuffix);

    /// <summary>
    /// Closes the attempt loop: a handled failure waits on the runtime clock, then the loop tries again. The loop observes
    /// <paramref name="token"/> when the code around it has its own (the batch loader's), else the method's token.
    /// </summary>
    public static void CloseLoop(SourceWriter writer, MethodModel model, RetryModel retry, string runtime, bool isAsync, string? resetLine = null, string? token = null)
    {
        token ??= model.CancellationToken;
        writer.Close();
        writer.Open("catch (global::System.Exception __exception) when (" + Filter(retry, runtime, token) + ")");
        writer.Line("global::Aspects.Retrying.RetryTelemetry.Retrying(" + Literals.String(model.FullName) + ", __exception, __attempt);");
        if (resetLine is not null)
        {
            writer.Line(resetLine);
        }

        writer.Line(isAsync
            ? "await " + runtime + ".DelayAsync(" + NextDelay(runtime, retry) + ", " + Literals.Token(token) + ").ConfigureAwait(false);"
            : runtime + ".Delay(" + NextDelay(runtime, retry) + ", " + Literals.Token(token) + ");");
        writer.Close();
        writer.Close();
    }

    /// <summary>Retry while attempts remain, the caller has not cancelled, and the exception is handled.</summary>
    private static string Filter(RetryModel retry, string runtime, string? token)
    {
        var conditions = new List<string> { "__attempt < " + (retry.Policy is null ? Literals.Int(retry.MaxAttempts) : "__retry.MaxAttempts") };
        if (token is not null)
        {
            conditions.Add("!" + token + ".IsCancellationRequested");
        }

        conditions.Add(retry.Handle.IsEmpty
            ? runtime + ".IsTransient(__exception)"
            : "__exception is " + string.Join(" or ", retry.Handle));
        return string.Join(" && ", conditions);
    }

    private static string NextDelay(string runtime, RetryModel retry) => retry.Policy is not null
        ? "__retry.NextDelay(__attempt, ref __jitterState, " + runtime + ".Random)"
        : "global::Aspects.Retrying.RetryDelay.Next(global::Aspects.RetryBackoff." + retry.Backoff + ", __attempt, "
        + Literals.Int(retry.DelayMilliseconds) + ", " + Literals.Int(retry.MaxDelayMilliseconds) + ", "
        + Literals.Bool(retry.Jitter) + ", ref __jitterState, " + runtime + ".Random)";

}
