using System.Collections.Concurrent;

namespace Aspects.Tests.Policies;

/// <summary>One method per aspect, each naming a policy; compiled with the generator like any user code.</summary>
internal sealed partial class PolicyServices(AspectRuntime aspects)
{
    private int _attempts;
    private int _quotes;
    private int _loads;

    public int Attempts => Volatile.Read(ref _attempts);

    public int Quotes => Volatile.Read(ref _quotes);

    public int Loads => Volatile.Read(ref _loads);

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    [Retry(MaxAttempts = 2, DelayMilliseconds = 0, Handle = [typeof(TimeoutException)], Policy = "payments")]
    public partial int FetchBalance();

    [Retry(MaxAttempts = 3, DelayMilliseconds = 0, Handle = [typeof(TimeoutException)], Policy = "nowhere")]
    public partial int FetchBalanceWithoutPolicy();

    [RateLimited(Name = "policy-pricing", PermitsPerSecond = 1, Burst = 1, Mode = RateLimitMode.Reject, Policy = "pricing")]
    public partial int Quote();

    [Cached(DurationSeconds = 300, Policy = "products")]
    public partial Task<int> GetProductAsync(int id);

    [Batched(MaxBatchSize = 100, MaxDelayMilliseconds = 50, Policy = "stock")]
    public partial Task<int> GetStockAsync(int id);

    private int FetchBalanceCore()
    {
        Interlocked.Increment(ref _attempts);
        throw new TimeoutException("the payment provider timed out");
    }

    private int FetchBalanceWithoutPolicyCore() => FetchBalanceCore();

    private int QuoteCore() => Interlocked.Increment(ref _quotes);

    private Task<int> GetProductCoreAsync(int id) => Task.FromResult(id * 1000 + Interlocked.Increment(ref _loads));

    private Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> ids)
    {
        BatchSizes.Enqueue(ids.Count);
        return Task.FromResult<IReadOnlyDictionary<int, int>>(ids.ToDictionary(id => id, id => id * 7));
    }
}
