using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// A <see cref="DateTime"/> cache key component that equals another only when ticks and kind are equal,
/// including the flag a local time converted from UTC carries in the repeated hour when clocks go back
/// (the flag changes what <see cref="DateTime.ToUniversalTime"/> returns). Generated
/// <see cref="CachedAttribute"/> wrappers key the in-process tier on it instead of the <see cref="DateTime"/>
/// itself, because <see cref="DateTime"/>.Equals compares ticks only (a UTC and a local 01:30 are equal);
/// the distributed tier's key text (<see cref="CacheKeyBuilder"/>) distinguishes exactly the same values.
/// </summary>
/// <param name="value">The argument.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExactDateTime(DateTime value) : IEquatable<ExactDateTime>
{
    /// <summary>The argument.</summary>
    public DateTime Value { get; } = value;

    /// <summary>Wraps an argument.</summary>
    /// <param name="value">The argument.</param>
    public static implicit operator ExactDateTime(DateTime value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(ExactDateTime other) => Bits(Value) == Bits(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExactDateTime other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Bits(Value).GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    // A DateTime is one 64-bit field: 62 bits of ticks and 2 bits of kind (Unspecified, Utc, Local, and
    // Local in the repeated hour as daylight time), none of which public members expose together.
    private static ulong Bits(DateTime value) => Unsafe.As<DateTime, ulong>(ref value);
}
