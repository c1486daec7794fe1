namespace Aspects.Batching;

/// <summary>Helpers for batch bodies and the code generated for <c>[Batched]</c>.</summary>
public static class BatchResults
{
    /// <summary>
    /// Turns values returned in the order of <paramref name="keys"/> into the dictionary a
    /// <see cref="MicroBatcher{TKey, TValue}"/> fans out: <c>values[i]</c> is the value of <c>keys[i]</c>.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="name">The batched method's name, for the error message.</param>
    /// <param name="keys">The keys of the batch.</param>
    /// <param name="values">One value per key, in the same order.</param>
    /// <param name="keyComparer">
    /// The batcher's key comparer, so keys it kept apart keep their own values; <see langword="null"/> (the default)
    /// for <see cref="EqualityComparer{T}.Default"/>.
    /// </param>
    /// <returns>A dictionary from each key to its value (the last one wins for a repeated key).</returns>
    /// <exception cref="InvalidOperationException">The counts of <paramref name="keys"/> and <paramref name="values"/> differ.</exception>
    public static IReadOnlyDictionary<TKey, TValue> Align<TKey, TValue>(string name, IReadOnlyList<TKey> keys, IReadOnlyList<TValue> values, IEqualityComparer<TKey>? keyComparer = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(keys);
        if (values is null)
        {
            throw new InvalidOperationException(
                $"{name} returned null instead of {keys.Count} values aligned with its keys.");
        }

        if (keys.Count != values.Count)
        {
            throw new InvalidOperationException(
                $"{name} returned {values.Count} values for {keys.Count} keys; a batch body that returns a list must " +
                "return exactly one value per key, in the order of the keys (return a dictionary to leave keys out).");
        }

        var result = new Dictionary<TKey, TValue>(keys.Count, keyComparer);
        for (var i = 0; i < keys.Count; i++)
        {
            result[keys[i]] = values[i];
        }

        return result;
    }
}
