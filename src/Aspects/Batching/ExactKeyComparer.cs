using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Batching;

/// <summary>
/// Compares batch keys by their exact identity: two keys are equal only when their exact components are
/// (<see cref="Caching.ExactDecimal"/>, <see cref="Caching.ExactDouble"/>, <see cref="Caching.ExactDateTime"/>
/// and the other <c>Aspects.Caching.Exact*</c> types, in value tuples for records and tuples), so only keys the
/// batch body cannot tell apart share one entry of a batch. Generated <see cref="BatchedAttribute"/> wrappers
/// pass it to <see cref="MicroBatcher{TKey, TValue}"/> for key types whose own <c>Equals</c> ignores something the
/// body can see (<c>1.5m</c> and <c>1.50m</c>, <c>0.0</c> and <c>-0.0</c>, a UTC and a local <see cref="DateTime"/>
/// with the same ticks); the same components key the in-process tier of <c>[Cached]</c>.
/// </summary>
/// <typeparam name="TKey">The batch key type.</typeparam>
/// <typeparam name="TExact">The exact components of a key, compared with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ExactKeyComparer<TKey, TExact> : IEqualityComparer<TKey>
    where TKey : notnull
{
    private readonly Func<TKey, TExact> _exact;
    private readonly bool _derivedByReference;

    /// <summary>Creates a comparer of keys by their exact components.</summary>
    /// <param name="exact">Turns a key into its exact components; must not throw for a non-null key.</param>
    /// <param name="derivedByReference">
    /// For an unsealed record key: whether an instance of a type derived from <typeparamref name="TKey"/> equals
    /// only itself, because it may hold members the exact components do not.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="exact"/> is <see langword="null"/>.</exception>
    public ExactKeyComparer(Func<TKey, TExact> exact, bool derivedByReference)
    {
        ArgumentNullException.ThrowIfNull(exact);
        _exact = exact;
        _derivedByReference = derivedByReference;
    }

    /// <inheritdoc/>
    public bool Equals(TKey? x, TKey? y)
    {
        if (x is null || y is null)
        {
            return x is null && y is null;
        }

        if (_derivedByReference && (IsDerived(x) || IsDerived(y)))
        {
            return ReferenceEquals(x, y);
        }

        return EqualityComparer<TExact>.Default.Equals(_exact(x), _exact(y));
    }

    /// <inheritdoc/>
    public int GetHashCode(TKey obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return _derivedByReference && IsDerived(obj)
            ? RuntimeHelpers.GetHashCode(obj)
            : EqualityComparer<TExact>.Default.GetHashCode(_exact(obj)!);
    }

    private static bool IsDerived(TKey key) => key.GetType() != typeof(TKey);
}
