using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// A <see cref="Half"/> cache key component that equals another only when their IEEE 754 bit patterns are equal (zero and negative zero differ, and so do NaNs with different payloads). Generated
/// <see cref="CachedAttribute"/> wrappers key the in-process tier on it instead of the <see cref="Half"/> itself,
/// because <see cref="Half"/>.Equals treats zero and negative zero as equal and every NaN as equal, which the method's body can tell apart; the distributed tier's key text
/// (<see cref="CacheKeyBuilder"/>) distinguishes exactly the same values.
/// </summary>
/// <param name="value">The argument.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExactHalf(Half value) : IEquatable<ExactHalf>
{
    /// <summary>The argument.</summary>
    public Half Value { get; } = value;

    /// <summary>Wraps an argument.</summary>
    /// <param name="value">The argument.</param>
    public static implicit operator ExactHalf(Half value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(ExactHalf other) => BitConverter.HalfToInt16Bits(Value) == BitConverter.HalfToInt16Bits(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExactHalf other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.HalfToInt16Bits(Value);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
