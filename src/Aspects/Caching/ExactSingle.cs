using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// A <see cref="float"/> cache key component that equals another only when their IEEE 754 bit patterns are equal (<c>0.0f</c> and <c>-0.0f</c> differ, and so do NaNs with different payloads). Generated
/// <see cref="CachedAttribute"/> wrappers key the in-process tier on it instead of the <see cref="float"/> itself,
/// because <see cref="float"/>.Equals treats <c>0.0f</c> and <c>-0.0f</c> as equal and every NaN as equal, which the method's body can tell apart; the distributed tier's key text
/// (<see cref="CacheKeyBuilder"/>) distinguishes exactly the same values.
/// </summary>
/// <param name="value">The argument.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExactSingle(float value) : IEquatable<ExactSingle>
{
    /// <summary>The argument.</summary>
    public float Value { get; } = value;

    /// <summary>Wraps an argument.</summary>
    /// <param name="value">The argument.</param>
    public static implicit operator ExactSingle(float value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(ExactSingle other) => BitConverter.SingleToInt32Bits(Value) == BitConverter.SingleToInt32Bits(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExactSingle other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.SingleToInt32Bits(Value);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
