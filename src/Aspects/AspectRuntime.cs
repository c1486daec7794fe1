using Aspects.Batching;
using Aspects.RateLimiting;
using Aspects.Caching;
using Aspects.Policies;
using Aspects.Retrying;
using Microsoft.Extensions.Logging;

namespace Aspects;

/// <summary>
/// Everything the generated aspect wrappers need at run time: the clock, the random source for
/// jitter, the classification of transient exceptions and the rate-limiter buckets.
/// </summary>
/// <remarks>
/// Generated code uses the containing class's member of type <see cref="AspectRuntime"/> (a field,
/// property or primary-constructor parameter) when there is one, so dependency injection decides
/// which runtime a service uses; otherwise it uses <see cref="Default"/>.
/// </remarks>
public sealed class AspectRuntime
{
    private readonly Func<Exception, bool>[] _transientClassifiers;

    /// <summary>Creates a runtime from <paramref name="options"/> (defaults when <see langword="null"/>).</summary>
    /// <param name="options">The settings; the instance is read once and may be reused afterwards.</param>
    public AspectRuntime(AspectRuntimeOptions? options = null)
    {
        options ??= new AspectRuntimeOptions();
        TimeProvider = options.TimeProvider ?? throw new ArgumentException(
            $"{nameof(AspectRuntimeOptions)}.{nameof(AspectRuntimeOptions.TimeProvider)} must not be null.", nameof(options));
        Random = options.Random ?? throw new ArgumentException(
            $"{nameof(AspectRuntimeOptions)}.{nameof(AspectRuntimeOptions.Random)} must not be null.", nameof(options));
        LoggerFactory = options.LoggerFactory ?? throw new ArgumentException(
            $"{nameof(AspectRuntimeOptions)}.{nameof(AspectRuntimeOptions.LoggerFactory)} must not be null.", nameof(options));
        _transientClassifiers = [.. options.TransientExceptionClassifiers];
        PolicyStore = new PolicyStore(Snapshot(options.Policies ?? throw new ArgumentException(
            $"{nameof(AspectRuntimeOptions)}.{nameof(AspectRuntimeOptions.Policies)} must not be null.", nameof(options))), LoggerFactory);
        // Last: the registry reads LoggerFactory and TimeProvider from this runtime.
        RateLimiters = new RateLimiterRegistry(this, options.DistributedRateLimiters);
        Cache = new TieredCache(options.Cache, TimeProvider, LoggerFactory) { Policies = PolicyStore };
    }

    /// <summary>
    /// The zero-configuration runtime used by wrappers whose class has no <see cref="AspectRuntime"/>
    /// member: system clock, shared random source, built-in transient exception rules.
    /// </summary>
    public static AspectRuntime Default { get; } = new();

    /// <summary>The clock every aspect reads and waits on (replace it with a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Where the runtime's primitives log.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The token buckets of <c>[RateLimited]</c> methods, by bucket name.</summary>
    public RateLimiterRegistry RateLimiters { get; }
    /// <summary>
    /// The tiered cache behind <c>[Cached]</c>: memory, then the L2 from
    /// <see cref="AspectRuntimeOptions.Cache"/> when configured, then the method body.
    /// </summary>
    public TieredCache Cache { get; }

    /// <summary>The named policies in effect, read by the generated code of methods with <c>Policy = "name"</c>.</summary>
    internal PolicyStore PolicyStore { get; }

    /// <summary>The source of randomness for retry jitter.</summary>
    public Random Random { get; }

    /// <summary>
    /// Whether <paramref name="exception"/> is worth retrying when a <c>[Retry]</c> names no
    /// <c>Handle</c> types: the built-in rules of <see cref="TransientExceptions"/> or any classifier
    /// added through <see cref="AspectRuntimeOptions.TransientExceptionClassifiers"/>.
    /// </summary>
    /// <param name="exception">The exception an attempt failed with.</param>
    /// <returns><see langword="true"/> when another attempt may succeed.</returns>
    public bool IsTransient(Exception exception)
    {
        if (TransientExceptions.IsTransient(exception))
        {
            return true;
        }

        foreach (var classifier in _transientClassifiers)
        {
            if (classifier(exception))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Waits <paramref name="delay"/> on <see cref="TimeProvider"/>; used between retry attempts.</summary>
    /// <param name="delay">How long to wait; <see cref="TimeSpan.Zero"/> returns at once.</param>
    /// <param name="cancellationToken">The caller's token; cancelling it ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes when the delay has passed.</returns>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero
            ? (cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask)
            : Task.Delay(delay, TimeProvider, cancellationToken);

    /// <summary>
    /// Blocks the calling thread for <paramref name="delay"/> on <see cref="TimeProvider"/>; used between
    /// retry attempts of synchronous methods.
    /// </summary>
    /// <param name="delay">How long to wait.</param>
    /// <param name="cancellationToken">The caller's token; cancelling it ends the wait with <see cref="OperationCanceledException"/>.</param>
    public void Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        DelayAsync(delay, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Creates a <see cref="MicroBatcher{TKey, TValue}"/> with fixed settings on this runtime's <see cref="TimeProvider"/>,
    /// logging to a logger of category <c>Aspects.Batching</c> from <see cref="LoggerFactory"/>.
    /// </summary>
    /// <typeparam name="TKey">The key of one call.</typeparam>
    /// <typeparam name="TValue">The value of one key.</typeparam>
    /// <param name="name">The method's name (<c>Namespace.Type.Method</c>).</param>
    /// <param name="load">Loads one batch of distinct keys.</param>
    /// <param name="settings">The batcher's settings.</param>
    /// <param name="keyComparer">
    /// Tells the keys of a batch apart; <see langword="null"/> (the default) for <see cref="EqualityComparer{T}.Default"/>.
    /// Generated code passes an <see cref="ExactKeyComparer{TKey, TExact}"/> for key types whose <c>Equals</c> is not exact.
    /// </param>
    /// <returns>A new batcher.</returns>
    public MicroBatcher<TKey, TValue> CreateMicroBatcher<TKey, TValue>(
        string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> load,
        BatchingSettings settings,
        IEqualityComparer<TKey>? keyComparer = null)
        where TKey : notnull =>
        new(name, load, settings, TimeProvider, LoggerFactory.CreateLogger("Aspects.Batching"), keyComparer);

    /// <summary>
    /// Creates the batcher of one <c>[Batched]</c> method (of one instance): like
    /// <see cref="CreateMicroBatcher{TKey, TValue}(string, Func{IReadOnlyList{TKey}, CancellationToken, Task{IReadOnlyDictionary{TKey, TValue}}}, BatchingSettings, IEqualityComparer{TKey})"/>,
    /// named after <see cref="BatchDefinition.MethodName"/>, with the settings <see cref="BatchDefinition.Resolve"/> gives:
    /// with a policy, every batch opened after the policies changed uses the new values.
    /// </summary>
    /// <typeparam name="TKey">The key of one call.</typeparam>
    /// <typeparam name="TValue">The value of one key.</typeparam>
    /// <param name="definition">The method's definition (a static field of the generated code).</param>
    /// <param name="load">Loads one batch of distinct keys.</param>
    /// <param name="keyComparer">Tells the keys of a batch apart; <see langword="null"/> (the default) for <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <returns>A new batcher.</returns>
    public MicroBatcher<TKey, TValue> CreateMicroBatcher<TKey, TValue>(
        BatchDefinition definition,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> load,
        IEqualityComparer<TKey>? keyComparer = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(definition);
        var batcher = CreateMicroBatcher(definition.MethodName, load, definition.Resolve(this), keyComparer);
        batcher.Follow(definition, this);
        return batcher;
    }

    /// <summary>
    /// Replaces the named policies. Methods pick the new values up on their next call: retry counts and delays
    /// at once, rate-limit buckets are reconfigured (keeping their current permits, capped at the new burst),
    /// cache lifetimes apply to entries written afterwards and batching settings to batches opened afterwards.
    /// </summary>
    /// <param name="policies">The new policies; copied, so later changes to the object have no effect until the next update.</param>
    /// <exception cref="ArgumentException">A value is invalid; the message names each bad key.</exception>
    public void UpdatePolicies(AspectPolicies policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        PolicyStore.Replace(Snapshot(policies));
    }

    // Configuration reloads must never throw into the configuration's change callback: a bad reload is
    // logged and the previous policies stay.
    internal bool TryReloadPolicies(AspectPolicies policies)
    {
        var problems = policies.Validate();
        if (problems.Count > 0)
        {
            PolicyLog.ReloadRejected(PolicyStore.Logger, string.Join(" ", problems));
            return false;
        }

        PolicyStore.Replace(new PolicySnapshot(policies));
        PolicyLog.Reloaded(PolicyStore.Logger, policies.Cache.Count, policies.RateLimits.Count, policies.Retry.Count, policies.Batching.Count);
        return true;
    }

    private static PolicySnapshot Snapshot(AspectPolicies policies)
    {
        var problems = policies.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Aspects policies: " + string.Join(" ", problems), nameof(policies));
        }

        // Always a new snapshot: bindings compare snapshots by reference, so two runtimes must never share one.
        return new PolicySnapshot(policies);
    }
}
