using System.Threading.Channels;

namespace Aspects.Tests.Batching;

/// <summary>
/// A batch load the test drives: every call is recorded with its keys and token and stays pending until the test
/// completes it, so tests synchronize on "a load started" instead of on timing.
/// </summary>
public sealed class RecordingBatchLoad<TKey, TValue>
    where TKey : notnull
{
    private readonly Channel<LoadCall> _started = Channel.CreateUnbounded<LoadCall>();
    private int _count;

    /// <summary>How many loads have started.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The delegate to hand to the batcher.</summary>
    public Task<IReadOnlyDictionary<TKey, TValue>> LoadAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken)
    {
        var call = new LoadCall([.. keys], cancellationToken);
        Interlocked.Increment(ref _count);
        _started.Writer.TryWrite(call);
        return call.Result.Task;
    }

    /// <summary>Waits (at most 10 s, failing with <paramref name="what"/>) for the next load to start.</summary>
    public async Task<LoadCall> NextAsync(string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _started.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No batch load started within 10 s while waiting for {what}; {Count} loads started so far.");
        }
    }

    /// <summary>One load: the keys it got, its token, and the result the test sets.</summary>
    public sealed class LoadCall(IReadOnlyList<TKey> keys, CancellationToken token)
    {
        public IReadOnlyList<TKey> Keys { get; } = keys;

        public CancellationToken Token { get; } = token;

        public TaskCompletionSource<IReadOnlyDictionary<TKey, TValue>> Result { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes the load with <paramref name="value"/> of every key.</summary>
        public void Succeed(Func<TKey, TValue> value)
        {
            var results = new Dictionary<TKey, TValue>();
            foreach (var key in Keys)
            {
                results[key] = value(key);
            }

            Result.SetResult(results);
        }
    }
}
