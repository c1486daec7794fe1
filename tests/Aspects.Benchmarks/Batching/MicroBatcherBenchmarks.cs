using Aspects.Batching;
using Aspects.Policies;
using BenchmarkDotNet.Attributes;

namespace Aspects.Benchmarks.Batching;

/// <summary>
/// 1,000 concurrent single-key reads over a trivial load that yields once (standing in for the I/O hop of a query):
/// one load per key (what code without batching does) against the micro-batcher (ten loads of 100 keys).
/// The interesting columns are the time and the allocations per 1,000 calls.
/// </summary>
[MemoryDiagnoser]
public class MicroBatcherBenchmarks
{
    private const int Calls = 1_000;

    private readonly Task<int>[] _tasks = new Task<int>[Calls];
    private MicroBatcher<int, int> _batcher = null!;

    [GlobalSetup]
    public void Setup() =>
        // The delay is long so that only full batches flush: every iteration does exactly ten loads.
        _batcher = new MicroBatcher<int, int>(
            "Benchmarks.Stock.Get",
            LoadAsync,
            new BatchingSettings(maxBatchSize: 100, maxDelayMilliseconds: 10_000),
            TimeProvider.System);

    [Benchmark(Baseline = true, Description = "one load per key (1,000 loads)")]
    public async Task<int> PerKey()
    {
        for (var i = 0; i < Calls; i++)
        {
            _tasks[i] = LoadOneAsync(i);
        }

        return Sum(await Task.WhenAll(_tasks));
    }

    [Benchmark(Description = "MicroBatcher, 100 keys per batch (10 loads)")]
    public async Task<int> Batched()
    {
        for (var i = 0; i < Calls; i++)
        {
            _tasks[i] = _batcher.GetAsync(i, CancellationToken.None);
        }

        return Sum(await Task.WhenAll(_tasks));
    }

    private static async Task<int> LoadOneAsync(int key) => (await LoadAsync([key], CancellationToken.None))[key];

    private static async Task<IReadOnlyDictionary<int, int>> LoadAsync(IReadOnlyList<int> keys, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var values = new Dictionary<int, int>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            values[keys[i]] = keys[i] * 2;
        }

        return values;
    }

    private static int Sum(int[] values)
    {
        var sum = 0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }
}
