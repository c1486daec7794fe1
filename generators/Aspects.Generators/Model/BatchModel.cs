namespace Aspects.Generators.Model;

/// <summary>The <c>[Batched]</c> settings and shapes of a method, already validated.</summary>
/// <param name="KeyType">The fully qualified key type.</param>
/// <param name="ValueType">The fully qualified value type.</param>
/// <param name="KeyParameter">The name of the key parameter of the declared method.</param>
/// <param name="MaxBatchSize">Flush when this many distinct keys wait.</param>
/// <param name="MaxDelayMilliseconds">Flush this long after the first key of a batch arrived.</param>
/// <param name="ThrowOnMissingKey">Whether a key missing from the body's result fails its caller.</param>
/// <param name="CoreReturnsList">Whether the body returns values aligned with the keys instead of a dictionary.</param>
/// <param name="CoreTakesToken">Whether the body takes a <c>CancellationToken</c>.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
/// <param name="ExactKey">
/// The key's shape when the batcher must tell keys apart by their exact components (the key type's own equality
/// merges values the body can tell apart, or it is an unsealed record); <see langword="null"/> for its own equality.
/// </param>
/// <param name="DerivedKeysByReference">
/// Whether the key is an unsealed record, so an instance of a derived type (which may hold members the exact
/// components do not) equals only itself.
/// </param>
internal sealed record BatchModel(
    string KeyType,
    string ValueType,
    string KeyParameter,
    int MaxBatchSize,
    int MaxDelayMilliseconds,
    bool ThrowOnMissingKey,
    bool CoreReturnsList,
    bool CoreTakesToken,
    string? Policy = null,
    KeyShape? ExactKey = null,
    bool DerivedKeysByReference = false);
