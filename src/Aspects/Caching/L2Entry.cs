using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Caching;

/// <summary>
/// What a region stores in the L2 for one key: the result, when it stops being valid, and the versions of
/// the eviction records it was computed under. Readers serve it only while both still hold.
/// </summary>
/// <typeparam name="T">The method's result type.</typeparam>
/// <remarks>
/// Never mutated once built (hence <see cref="ImmutableObjectAttribute"/>, which spares HybridCache a defensive copy per read).
/// </remarks>
[ImmutableObject(true)]
internal sealed class L2Entry<T>
{
    /// <summary>Returned by <see cref="L2EntrySerializer{T}"/> for a payload it cannot read: a miss the region heals by writing over it.</summary>
    public static readonly L2Entry<T> Unreadable = new();

    /// <summary>When the result stops being valid, in Unix milliseconds (UTC): when its computation started plus the method's duration.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>The eviction records' versions read before the body ran (see <c>CacheRegion.L2.cs</c>).</summary>
    public string Stamp { get; set; } = string.Empty;

    /// <summary>The result.</summary>
    public T? Value { get; set; }
}

/// <summary>
/// Finds the serializer of a result type among an L2's registered serializers (Aspects.Redis implements it
/// over HybridCache's service provider), so that <see cref="L2EntrySerializer{T}"/> can frame any type.
/// </summary>
internal interface IL2SerializerSource
{
    IHybridCacheSerializer<T>? Find<T>();
}

/// <summary>
/// The serializers of <see cref="L2Entry{T}"/>, one per result type a region was created for; lets a serializer
/// factory build them without reflection (regions register their type when they are created).
/// </summary>
internal static class L2EntrySerializers
{
    private static readonly ConcurrentDictionary<Type, Func<IL2SerializerSource, object?>> s_builders = new();

    public static void Register<T>() =>
        s_builders.TryAdd(
            typeof(L2Entry<T>), static source => source.Find<T>() is { } inner ? new L2EntrySerializer<T>(inner) : null);

    public static bool TryCreate<TEntry>(IL2SerializerSource source, [NotNullWhen(true)] out IHybridCacheSerializer<TEntry>? serializer)
    {
        serializer = s_builders.TryGetValue(typeof(TEntry), out var build) ? build(source) as IHybridCacheSerializer<TEntry> : null;
        return serializer is not null;
    }
}

/// <summary>
/// Frames an <see cref="L2Entry{T}"/>: a header with a format marker, the expiry and the stamp, then the
/// result as the result type's own serializer writes it (absent for <see langword="null"/>, so types whose
/// serializers cannot write null — <see langword="string"/>, <see langword="byte"/>[] — keep it).
/// </summary>
/// <remarks>
/// Layout: <c>00 41 53 50</c> ("\0ASP", which no JSON text and no earlier format of ours starts with), the
/// format version (1), flags (bit 0: the result is null), the expiry (int64, little endian), the stamp's
/// UTF-8 length (int32) and bytes, then the result. Anything else (an entry of an older format, another
/// writer's bytes, a result the inner serializer rejects) reads as <see cref="L2Entry{T}.Unreadable"/>,
/// never as a value: an entry written by another format is a miss, not a misread.
/// </remarks>
/// <typeparam name="T">The result type.</typeparam>
internal sealed class L2EntrySerializer<T>(IHybridCacheSerializer<T> inner) : IHybridCacheSerializer<L2Entry<T>>
{
    private const byte FormatVersion = 1;
    private const byte NullValue = 1;
    private const int HeaderLength = 4 + 1 + 1 + 8 + 4;
    private static ReadOnlySpan<byte> Marker => [0x00, 0x41, 0x53, 0x50];

    public L2Entry<T> Deserialize(ReadOnlySequence<byte> source)
    {
        if (source.Length < HeaderLength)
        {
            return L2Entry<T>.Unreadable;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        source.Slice(0, HeaderLength).CopyTo(header);
        var stampLength = BinaryPrimitives.ReadInt32LittleEndian(header[14..]);
        if (!header[..4].SequenceEqual(Marker) || header[4] != FormatVersion || (header[5] & ~NullValue) != 0
            || stampLength < 0 || stampLength > source.Length - HeaderLength)
        {
            return L2Entry<T>.Unreadable;
        }

        var isNull = header[5] == NullValue;
        var rest = source.Slice(HeaderLength + stampLength);
        if (isNull && rest.Length != 0)
        {
            return L2Entry<T>.Unreadable;
        }

        try
        {
            return new L2Entry<T>
            {
                ExpiresAt = BinaryPrimitives.ReadInt64LittleEndian(header[6..]),
                Stamp = Encoding.UTF8.GetString(source.Slice(HeaderLength, stampLength)),
                Value = isNull ? default : inner.Deserialize(rest),
            };
        }
        catch (Exception)
        {
            // Whatever the inner serializer throws on bytes it cannot read (JsonException, FormatException, …)
            // means the same: this entry cannot be served. The region counts, logs and overwrites it.
            return L2Entry<T>.Unreadable;
        }
    }

    public void Serialize(L2Entry<T> value, IBufferWriter<byte> target)
    {
        var stampLength = Encoding.UTF8.GetByteCount(value.Stamp);
        var header = target.GetSpan(HeaderLength + stampLength);
        Marker.CopyTo(header);
        header[4] = FormatVersion;
        header[5] = value.Value is null ? NullValue : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(header[6..], value.ExpiresAt);
        BinaryPrimitives.WriteInt32LittleEndian(header[14..], stampLength);
        Encoding.UTF8.GetBytes(value.Stamp, header[HeaderLength..]);
        target.Advance(HeaderLength + stampLength);
        if (value.Value is { } result)
        {
            inner.Serialize(result, target);
        }
    }
}
