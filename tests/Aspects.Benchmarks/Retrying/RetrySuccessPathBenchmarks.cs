using Aspects;
using BenchmarkDotNet.Attributes;
using Polly;
using Polly.Retry;

namespace Aspects.Benchmarks.Retrying;

/// <summary>
/// The cost of [Retry] when nothing fails (the path almost every call takes): a direct call of the
/// body, the generated wrapper, and Polly v8's ResiliencePipeline with one retry strategy, in one run —
/// Polly both ways: the plain overloads, and the zero-allocation style its docs recommend for hot paths
/// (a <c>ResilienceContext</c> from <c>ResilienceContextPool.Shared</c>, a static lambda with state).
/// Two kinds of async body: an <c>async</c> method (the usual case: it never throws synchronously, so
/// the wrapper needs no try block) and a method that returns a ready task (the wrapper guards it).
/// </summary>
[MemoryDiagnoser]
public partial class RetrySuccessPathBenchmarks
{
    private static readonly Task<int> Completed = Task.FromResult(42);

    private readonly ResiliencePipeline _polly = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200) })
        .Build();

    [Benchmark(Baseline = true, Description = "direct call (async body)")]
    public Task<int> DirectAsyncBody() => LoadCoreAsync(1, CancellationToken.None);

    [Benchmark(Description = "Aspects [Retry] (async body)")]
    public Task<int> AspectsAsyncBody() => LoadAsync(1, CancellationToken.None);

    [Benchmark(Description = "Polly v8 retry pipeline (async body)")]
    public ValueTask<int> PollyAsyncBody() =>
        _polly.ExecuteAsync(static (self, token) => new ValueTask<int>(self.LoadCoreAsync(1, token)), this, CancellationToken.None);

    [Benchmark(Description = "Polly v8 retry pipeline, pooled context (async body)")]
    public async ValueTask<int> PollyPooledAsyncBody()
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        try
        {
            return await _polly.ExecuteAsync(
                static (context, self) => new ValueTask<int>(self.LoadCoreAsync(1, context.CancellationToken)), context, this).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [Benchmark(Description = "direct call (ready task)")]
    public Task<int> DirectReadyTask() => GetCoreAsync(1, CancellationToken.None);

    [Benchmark(Description = "Aspects [Retry] (ready task)")]
    public Task<int> AspectsReadyTask() => GetAsync(1, CancellationToken.None);

    [Benchmark(Description = "Polly v8 retry pipeline (ready task)")]
    public ValueTask<int> PollyReadyTask() =>
        _polly.ExecuteAsync(static (self, token) => new ValueTask<int>(self.GetCoreAsync(1, token)), this, CancellationToken.None);

    [Benchmark(Description = "Polly v8 retry pipeline, pooled context (ready task)")]
    public async ValueTask<int> PollyPooledReadyTask()
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        try
        {
            return await _polly.ExecuteAsync(
                static (context, self) => new ValueTask<int>(self.GetCoreAsync(1, context.CancellationToken)), context, this).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [Benchmark(Description = "direct call (sync)")]
    public int Direct() => GetCore(1);

    [Benchmark(Description = "Aspects [Retry] (sync)")]
    public int Aspects() => Get(1);

    [Benchmark(Description = "Polly v8 retry pipeline (sync)")]
    public int Polly() => _polly.Execute(static self => self.GetCore(1), this);

    [Benchmark(Description = "Polly v8 retry pipeline, pooled context (sync)")]
    public int PollyPooled()
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        try
        {
            return _polly.Execute(static (_, self) => self.GetCore(1), context, this);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [Retry(MaxAttempts = 3)]
    public partial Task<int> LoadAsync(int id, CancellationToken cancellationToken);

    [Retry(MaxAttempts = 3)]
    public partial Task<int> GetAsync(int id, CancellationToken cancellationToken);

    [Retry(MaxAttempts = 3)]
    public partial int Get(int id);

    // Completes synchronously with a small result, which the async builder serves from its cache: no allocation.
    private async Task<int> LoadCoreAsync(int id, CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        return id;
    }

    private Task<int> GetCoreAsync(int id, CancellationToken cancellationToken) => Completed;

    private int GetCore(int id) => id + 41;
}
