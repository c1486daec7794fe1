using Aspects;
using BenchmarkDotNet.Attributes;
using Polly;
using Polly.Retry;

namespace Aspects.Benchmarks.Retrying;

/// <summary>
/// The cost of [Retry] when nothing fails (the path almost every call takes): a direct call of the
/// body, the generated wrapper, and Polly v8's ResiliencePipeline with one retry strategy, in one run.
/// </summary>
[MemoryDiagnoser]
public partial class RetrySuccessPathBenchmarks
{
    private static readonly Task<int> Completed = Task.FromResult(42);

    private readonly ResiliencePipeline _polly = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200) })
        .Build();

    [Benchmark(Baseline = true, Description = "direct call (async)")]
    public Task<int> DirectAsync() => GetCoreAsync(1, CancellationToken.None);

    [Benchmark(Description = "Aspects [Retry] (async)")]
    public Task<int> AspectsAsync() => GetAsync(1, CancellationToken.None);

    [Benchmark(Description = "Polly v8 retry pipeline (async)")]
    public ValueTask<int> PollyAsync() =>
        _polly.ExecuteAsync(static (self, token) => new ValueTask<int>(self.GetCoreAsync(1, token)), this, CancellationToken.None);

    [Benchmark(Description = "direct call (sync)")]
    public int Direct() => GetCore(1);

    [Benchmark(Description = "Aspects [Retry] (sync)")]
    public int Aspects() => Get(1);

    [Benchmark(Description = "Polly v8 retry pipeline (sync)")]
    public int Polly() => _polly.Execute(static self => self.GetCore(1), this);

    [Retry(MaxAttempts = 3)]
    public partial Task<int> GetAsync(int id, CancellationToken cancellationToken);

    [Retry(MaxAttempts = 3)]
    public partial int Get(int id);

    private Task<int> GetCoreAsync(int id, CancellationToken cancellationToken) => Completed;

    private int GetCore(int id) => id + 41;
}
