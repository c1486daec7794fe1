using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// A <see cref="double"/> cache key component that equals another only when their IEEE 754 bit patterns are equal (<c>0.0</c> and <c>-0.0</c> differ, and so do NaNs with different payloads). Generated
/// <see cref="CachedAttribute"/> wrappers key the in-process tier on it instead of the <see cref="double"/> itself,
/// because <see cref="double"/>.Equals treats <c>0.0</c> and <c>-0.0</c> as equal and every NaN as equal, which the method's body can tell apart; the distributed tier's key text
/// (<see cref="CacheKeyBuilder"/>) distinguishes exactly the same values.
/// </summary>
/// <param name="value">The argument.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExactDouble(double value) : IEquatable<ExactDouble>
{
    /// <summary>The argument.</summary>
    public double Value { get; } = value;

    /// <summary>Wraps an argument.</summary>
    /// <param name="value">The argument.</param>
    public static implicit operator ExactDouble(double value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(ExactDouble other) => BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExactDouble other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.DoubleToInt64Bits(Value).GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
