using Aspects.Generators.Model;

namespace Aspects.Generators.Emitting;

/// <summary>
/// Writes the <c>[Retry]</c> and <c>[RateLimited]</c> layers around one call of the body (retry outside:
/// every attempt pays a permit). Asynchronous methods get a fast path that takes a permit synchronously
/// when one is there and returns the first attempt's task untouched when it already succeeded — no
/// state machine, no allocation — and a static local async function for everything else. Synchronous
/// methods get the loop inline.
/// </summary>
internal static class AttemptEmitter
{
    public static void Emit(SourceWriter writer, MethodModel model)
    {
        if (model.Retry is { } retry)
        {
            writer.Line(RetryEmitter.Describe(retry));
        }

        if (model.RateLimit is { } rateLimit)
        {
            writer.Line(RateLimitEmitter.Describe(rateLimit));
        }

        if (model.Returns.IsAsync())
        {
            EmitAsync(writer, model);
        }
        else
        {
            EmitSync(writer, model);
        }
    }

    private static void EmitSync(SourceWriter writer, MethodModel model)
    {
        var runtime = model.RuntimeExpression;
        if (model.Retry is not null)
        {
            RetryEmitter.OpenLoop(writer, model, runtime, isAsync: false);
        }

        if (model.RateLimit is { } rateLimit)
        {
            writer.Line(RateLimitEmitter.Acquire(model, rateLimit, RateLimitEmitter.Limiter(model, rateLimit, runtime), runtime, model.CancellationToken) + ";");
        }

        var call = MethodEmitter.CoreCall(model, fromStaticHelper: false);
        if (model.Returns == ReturnKind.Void)
        {
            writer.Line(call + ";");
            if (model.Retry is not null)
            {
                writer.Line("return;");
            }
        }
        else
        {
            writer.Line("return " + call + ";");
        }

        if (model.Retry is { } retry)
        {
            RetryEmitter.CloseLoop(writer, model, retry, runtime, isAsync: false);
        }
    }

    private static void EmitAsync(SourceWriter writer, MethodModel model)
    {
        var retry = model.Retry;
        var rateLimit = model.RateLimit;
        var helper = retry is not null ? "__RetryAsync" : "__WaitForPermitAsync";
        var runtime = model.RuntimeExpression;
        var arguments = new List<string>();
        var parameters = new List<string>();
        if (!model.IsStatic)
        {
            arguments.Add("this");
            parameters.Add(model.SelfType + " __self");
        }

        if (retry is not null)
        {
            arguments.Add(rateLimit is not null ? "__runtime" : runtime);
            parameters.Add("global::Aspects.AspectRuntime __runtime");
        }

        if (rateLimit is not null)
        {
            writer.Line("var __runtime = " + runtime + ";");
            writer.Line("var __limiter = " + RateLimitEmitter.Limiter(model, rateLimit, "__runtime") + ";");
            writer.Line("var __permit = " + RateLimitEmitter.AcquireAsync(model, rateLimit, "__limiter", "__runtime", model.CancellationToken) + ";");
            if (retry is not null)
            {
                // Later attempts take their own permits.
                arguments.Add("__limiter");
                parameters.Add(RateLimitEmitter.LimiterType(rateLimit) + " __limiter");
            }

            arguments.Add("__permit");
            parameters.Add("global::System.Threading.Tasks.ValueTask __permit");
        }

        if (retry is not null)
        {
            parameters.Add(model.ReturnType + "? __pending");
        }

        parameters.AddRange(model.Parameters.Select(p => p.Type + " " + p.Name));
        string Call(string pending) =>
            helper + "(" + string.Join(", ", retry is null ? arguments : [.. arguments, pending]) + (model.Parameters.Count > 0 ? ", " + MethodEmitter.ArgumentList(model) : string.Empty) + ")";

        if (rateLimit is not null)
        {
            writer.Open("if (!__permit.IsCompletedSuccessfully)");
            writer.Line("// No permit yet: wait for it off the fast path.");
            writer.Line("return " + Call("null") + ";");
            writer.Close();
            writer.Line();
            writer.Line("__permit.GetAwaiter().GetResult();");
        }

        if (retry is null)
        {
            writer.Line("return " + MethodEmitter.CoreCall(model, fromStaticHelper: false) + ";");
            writer.Line();
            writer.Open("static async " + model.ReturnType + " " + helper + "(" + string.Join(", ", parameters) + ")");
            writer.Line("await __permit.ConfigureAwait(false);");
            WriteAwaitedCall(writer, model, MethodEmitter.CoreCall(model, fromStaticHelper: true), returnAfterVoid: false);
            writer.Close();
            return;
        }

        if (model.CoreIsAsync)
        {
            // An async body reports every failure through its task, so the fast path needs no try block
            // (which would keep this method from being inlined).
            writer.Line("var __first = " + MethodEmitter.CoreCall(model, fromStaticHelper: false) + ";");
        }
        else
        {
            // A body that is not async may throw before it returns a task: that failure is retried too.
            writer.Line(model.ReturnType + " __first;");
            writer.Open("try");
            writer.Line("__first = " + MethodEmitter.CoreCall(model, fromStaticHelper: false) + ";");
            writer.Close();
            writer.Open("catch (global::System.Exception __exception)");
            writer.Line("__first = " + FromException(model) + ";");
            writer.Close();
        }

        writer.Line();
        writer.Line("// Fast path: the first attempt already succeeded, so hand its task back as it is.");
        writer.Open("if (__first.IsCompletedSuccessfully)");
        writer.Line("return __first;");
        writer.Close();
        writer.Line();
        writer.Line("return " + Call("__first") + ";");
        writer.Line();
        writer.Open("static async " + model.ReturnType + " " + helper + "(" + string.Join(", ", parameters) + ")");
        RetryEmitter.OpenLoop(writer, model, "__runtime");
        if (rateLimit is not null)
        {
            writer.Open("if (__pending is null)");
            writer.Line("await (__attempt == 1 ? __permit : " + RateLimitEmitter.AcquireAsync(model, rateLimit, "__limiter", "__runtime", model.CancellationToken) + ").ConfigureAwait(false);");
            writer.Close();
            writer.Line();
        }

        WriteAwaitedCall(writer, model, "(__pending ?? " + MethodEmitter.CoreCall(model, fromStaticHelper: true) + ")", returnAfterVoid: true);
        RetryEmitter.CloseLoop(writer, model, retry, "__runtime", isAsync: true, resetLine: "__pending = null;");
        writer.Close();
    }

    private static void WriteAwaitedCall(SourceWriter writer, MethodModel model, string call, bool returnAfterVoid)
    {
        if (model.Returns.HasResult())
        {
            writer.Line("return await " + call + ".ConfigureAwait(false);");
            return;
        }

        writer.Line("await " + call + ".ConfigureAwait(false);");
        if (returnAfterVoid)
        {
            writer.Line("return;");
        }
    }

    private static string FromException(MethodModel model) => model.Returns switch
    {
        ReturnKind.Task => "global::System.Threading.Tasks.Task.FromException(__exception)",
        ReturnKind.TaskOfT => "global::System.Threading.Tasks.Task.FromException<" + model.ResultType + ">(__exception)",
        ReturnKind.ValueTask => "global::System.Threading.Tasks.ValueTask.FromException(__exception)",
        _ => "global::System.Threading.Tasks.ValueTask.FromException<" + model.ResultType + ">(__exception)",
    };
}
