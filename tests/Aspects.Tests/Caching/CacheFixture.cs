using System.Runtime.CompilerServices;
using Aspects.Caching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.Caching;

/// <summary>A runtime on a fake clock with helpers to drive one cached method per test.</summary>
public sealed class CacheFixture
{
    public static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(10);

    public CacheFixture(Action<AspectRuntimeOptions>? configure = null)
    {
        var options = new AspectRuntimeOptions { TimeProvider = Time, LoggerFactory = new LoggerFactory([new FakeLoggerProvider(Logs)]) };
        configure?.Invoke(options);
        Runtime = new AspectRuntime(options);
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    public AspectRuntime Runtime { get; }

    /// <summary>A definition whose method name is unique to the calling test, so metrics of parallel tests never mix.</summary>
    public static CacheDefinition Definition(
        int durationSeconds = 300, int localDurationSeconds = 0, string[]? tags = null, [CallerMemberName] string test = "") =>
        new($"Tests.Caching.{test}", new Aspects.Policies.CacheSettings(durationSeconds, localDurationSeconds), tags ?? []);

    public static Func<int, string> KeyOf(CacheDefinition definition) => key =>
    {
        var builder = new CacheKeyBuilder(definition.MethodName);
        builder.Append(key);
        return builder.ToString();
    };

    /// <summary>Awaits <paramref name="task"/> for at most <see cref="BoundedWait"/>, naming <paramref name="what"/> on timeout.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(BoundedWait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {BoundedWait.TotalSeconds} s waiting for {what}.");
        }
    }
}

/// <summary>A body whose runs are counted and whose results the test completes by hand.</summary>
/// <param name="runContinuationsAsynchronously">
/// <see langword="false"/> makes <see cref="Complete"/> run the cache's continuation inline, so the attempt's L1 store
/// and L2 write have happened when it returns (with a synchronous L2 such as <see cref="FakeHybridCache"/>).
/// </param>
public sealed class ControlledBody<T>(bool runContinuationsAsynchronously = true)
{
    private readonly List<(int Key, CancellationToken Token, TaskCompletionSource<T> Result)> _runs = [];
    private readonly TaskCreationOptions _completion =
        runContinuationsAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None;

    public int Runs
    {
        get
        {
            lock (_runs)
            {
                return _runs.Count;
            }
        }
    }

    public CancellationToken TokenOfRun(int run)
    {
        lock (_runs)
        {
            return _runs[run].Token;
        }
    }

    public void Complete(int run, T value)
    {
        lock (_runs)
        {
            _runs[run].Result.SetResult(value);
        }
    }

    public void Fail(int run, Exception exception)
    {
        lock (_runs)
        {
            _runs[run].Result.SetException(exception);
        }
    }

    public static Task<T> Run(ControlledBody<T> body, int key, CancellationToken token)
    {
        var result = new TaskCompletionSource<T>(body._completion);
        lock (body._runs)
        {
            body._runs.Add((key, token, result));
        }

        return result.Task;
    }
}
