using System.Globalization;
using Aspects.Generators.Model;

namespace Aspects.Generators.Emitting;

/// <summary>
/// Writes the <c>[Retry]</c> layer. Asynchronous methods get a fast path that returns the first
/// attempt's task untouched when it already succeeded (no state machine, no allocation) and a static
/// local async function for the retry loop; synchronous methods get the loop inline.
/// </summary>
internal static class RetryEmitter
{
    public static void Emit(SourceWriter writer, MethodModel model, RetryModel retry)
    {
        writer.Line("// [Retry] " + Describe(retry));
        if (model.Returns.IsAsync())
        {
            EmitAsync(writer, model, retry);
        }
        else
        {
            EmitSync(writer, model, retry);
        }
    }

    private static void EmitSync(SourceWriter writer, MethodModel model, RetryModel retry)
    {
        writer.Line("var __jitterState = 0d;");
        writer.Open("for (var __attempt = 1; ; __attempt++)");
        writer.Open("try");
        if (model.Returns == ReturnKind.Void)
        {
            writer.Line(MethodEmitter.CoreCall(model, fromStaticHelper: false) + ";");
            writer.Line("return;");
        }
        else
        {
            writer.Line("return " + MethodEmitter.CoreCall(model, fromStaticHelper: false) + ";");
        }

        writer.Close();
        writer.Open("catch (global::System.Exception __exception) when (" + Filter(model, retry) + ")");
        writer.Line(model.RuntimeExpression + ".Delay(" + NextDelay(model.RuntimeExpression, retry) + ", " + Token(model) + ");");
        writer.Close();
        writer.Close();
    }

    private static void EmitAsync(SourceWriter writer, MethodModel model, RetryModel retry)
    {
        var taskType = model.ReturnType;
        writer.Line(taskType + " __first;");
        writer.Open("try");
        writer.Line("__first = " + MethodEmitter.CoreCall(model, fromStaticHelper: false) + ";");
        writer.Close();
        writer.Open("catch (global::System.Exception __exception)");
        writer.Line("__first = " + FromException(model) + ";");
        writer.Close();
        writer.Line();
        writer.Line("// Fast path: the first attempt already succeeded, so hand its task back as it is.");
        writer.Open("if (__first.IsCompletedSuccessfully)");
        writer.Line("return __first;");
        writer.Close();
        writer.Line();

        var helperArguments = new List<string>();
        var helperParameters = new List<string>();
        if (!model.IsStatic)
        {
            helperArguments.Add("this");
            helperParameters.Add(model.SelfType + " __self");
        }

        helperArguments.Add(model.RuntimeExpression);
        helperParameters.Add("global::Aspects.AspectRuntime __runtime");
        helperArguments.Add("__first");
        helperParameters.Add(taskType + " __first");
        helperArguments.AddRange(model.Parameters.Select(p => p.Name));
        helperParameters.AddRange(model.Parameters.Select(p => p.Type + " " + p.Name));

        writer.Line("return __RetryAsync(" + string.Join(", ", helperArguments) + ");");
        writer.Line();
        writer.Open("static async " + taskType + " __RetryAsync(" + string.Join(", ", helperParameters) + ")");
        writer.Line("var __jitterState = 0d;");
        writer.Open("for (var __attempt = 1; ; __attempt++)");
        writer.Open("try");
        var attempt = "(__attempt == 1 ? __first : " + MethodEmitter.CoreCall(model, fromStaticHelper: true) + ")";
        if (model.Returns.HasResult())
        {
            writer.Line("return await " + attempt + ".ConfigureAwait(false);");
        }
        else
        {
            writer.Line("await " + attempt + ".ConfigureAwait(false);");
            writer.Line("return;");
        }

        writer.Close();
        writer.Open("catch (global::System.Exception __exception) when (" + Filter(model, retry, runtime: "__runtime") + ")");
        writer.Line("await __runtime.DelayAsync(" + NextDelay("__runtime", retry) + ", " + Token(model) + ").ConfigureAwait(false);");
        writer.Close();
        writer.Close();
        writer.Close();
    }

    private static string FromException(MethodModel model) => model.Returns switch
    {
        ReturnKind.Task => "global::System.Threading.Tasks.Task.FromException(__exception)",
        ReturnKind.TaskOfT => "global::System.Threading.Tasks.Task.FromException<" + model.ResultType + ">(__exception)",
        ReturnKind.ValueTask => "global::System.Threading.Tasks.ValueTask.FromException(__exception)",
        _ => "global::System.Threading.Tasks.ValueTask.FromException<" + model.ResultType + ">(__exception)",
    };

    /// <summary>Retry while attempts remain, the caller has not cancelled, and the exception is handled.</summary>
    private static string Filter(MethodModel model, RetryModel retry, string? runtime = null)
    {
        var conditions = new List<string> { "__attempt < " + Number(retry.MaxAttempts) };
        if (model.CancellationToken is not null)
        {
            conditions.Add("!" + model.CancellationToken + ".IsCancellationRequested");
        }

        conditions.Add(retry.Handle.IsEmpty
            ? (runtime ?? model.RuntimeExpression) + ".IsTransient(__exception)"
            : "__exception is " + string.Join(" or ", retry.Handle));
        return string.Join(" && ", conditions);
    }

    private static string NextDelay(string runtime, RetryModel retry) =>
        "global::Aspects.Retrying.RetryDelay.Next(global::Aspects.RetryBackoff." + retry.Backoff + ", __attempt, "
        + Number(retry.DelayMilliseconds) + ", " + Number(retry.MaxDelayMilliseconds) + ", "
        + (retry.Jitter ? "true" : "false") + ", ref __jitterState, " + runtime + ".Random)";

    private static string Token(MethodModel model) => model.CancellationToken ?? "global::System.Threading.CancellationToken.None";

    private static string Describe(RetryModel retry) =>
        "up to " + Number(retry.MaxAttempts) + " attempts; " + retry.Backoff.ToLowerInvariant() + " backoff from "
        + Number(retry.DelayMilliseconds) + " ms, at most " + Number(retry.MaxDelayMilliseconds) + " ms"
        + (retry.Jitter ? ", with jitter" : string.Empty) + "; handles "
        + (retry.Handle.IsEmpty ? "transient exceptions" : string.Join(", ", retry.Handle.Select(h => h.Replace("global::", string.Empty))))
        + ".";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
