using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// A <see cref="DateTimeOffset"/> cache key component that equals another only when the instant and the
/// offset are equal (<c>12:00+00:00</c> and <c>15:00+03:00</c> differ). Generated <see cref="CachedAttribute"/>
/// wrappers key the in-process tier on it instead of the <see cref="DateTimeOffset"/> itself, because
/// <see cref="DateTimeOffset"/>.Equals compares instants only, while the method's body can tell the offsets
/// apart; the distributed tier's key text (<see cref="CacheKeyBuilder"/>) distinguishes exactly the same values.
/// </summary>
/// <param name="value">The argument.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExactDateTimeOffset(DateTimeOffset value) : IEquatable<ExactDateTimeOffset>
{
    /// <summary>The argument.</summary>
    public DateTimeOffset Value { get; } = value;

    /// <summary>Wraps an argument.</summary>
    /// <param name="value">The argument.</param>
    public static implicit operator ExactDateTimeOffset(DateTimeOffset value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(ExactDateTimeOffset other) =>
        Value.UtcTicks == other.Value.UtcTicks && Value.TotalOffsetMinutes == other.Value.TotalOffsetMinutes;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExactDateTimeOffset other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Value.UtcTicks, Value.TotalOffsetMinutes);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
