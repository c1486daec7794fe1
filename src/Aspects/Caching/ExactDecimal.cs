using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// A <see cref="decimal"/> cache key component that equals another only when all 128 bits are equal: sign,
/// scale and digits (<c>1.5m</c> and <c>1.50m</c> differ, and so do <c>0m</c> and negative zero). Generated
/// <see cref="CachedAttribute"/> wrappers key the in-process tier on it instead of the <see cref="decimal"/>
/// itself, because <see cref="decimal"/>.Equals compares numeric values only, while the method's body can
/// tell the scale apart (<c>1.50m.ToString()</c> is <c>"1.50"</c>); the distributed tier's key text
/// (<see cref="CacheKeyBuilder"/>) distinguishes exactly the same values.
/// </summary>
/// <param name="value">The argument.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExactDecimal(decimal value) : IEquatable<ExactDecimal>
{
    /// <summary>The argument.</summary>
    public decimal Value { get; } = value;

    /// <summary>Wraps an argument.</summary>
    /// <param name="value">The argument.</param>
    public static implicit operator ExactDecimal(decimal value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(ExactDecimal other) => Bits(Value) == Bits(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExactDecimal other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Bits(Value).GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // A decimal is 16 bytes (flags with sign and scale, then 96 bits of digits); unused flag bits are always zero.
    private static UInt128 Bits(decimal value) => Unsafe.As<decimal, UInt128>(ref value);
}
