using System.Globalization;
using System.Numerics;
using System.Text;

namespace Aspects.Tests.Caching.Keys;

/// <summary>One [Cached] method per supported key type; each body answers what it can see of its argument.</summary>
public sealed partial class KeyedService(AspectRuntime aspects)
{
    private static readonly CultureInfo I = CultureInfo.InvariantCulture;

    private int _calls;

    public enum Shade
    {
        Light = 1,
        Dark = -2,
    }

    public int Calls => Volatile.Read(ref _calls);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> StringAsync(string? x);

    private Task<string> StringCoreAsync(string? x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveString(x));
    }

    /// <summary>What the body of <see cref="StringAsync"/> can tell of its argument.</summary>
    public static string ObserveString(string? x) => x is null ? "null" : "s:" + x;

    [Cached(DurationSeconds = 600)]
    public partial Task<string> BoolAsync(bool x);

    private Task<string> BoolCoreAsync(bool x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveBool(x));
    }

    /// <summary>What the body of <see cref="BoolAsync"/> can tell of its argument.</summary>
    public static string ObserveBool(bool x) => x.ToString();

    [Cached(DurationSeconds = 600)]
    public partial Task<string> CharAsync(char x);

    private Task<string> CharCoreAsync(char x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveChar(x));
    }

    /// <summary>What the body of <see cref="CharAsync"/> can tell of its argument.</summary>
    public static string ObserveChar(char x) => ((int)x).ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> SByteAsync(sbyte x);

    private Task<string> SByteCoreAsync(sbyte x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveSByte(x));
    }

    /// <summary>What the body of <see cref="SByteAsync"/> can tell of its argument.</summary>
    public static string ObserveSByte(sbyte x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> ByteAsync(byte x);

    private Task<string> ByteCoreAsync(byte x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveByte(x));
    }

    /// <summary>What the body of <see cref="ByteAsync"/> can tell of its argument.</summary>
    public static string ObserveByte(byte x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> Int16Async(short x);

    private Task<string> Int16CoreAsync(short x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveInt16(x));
    }

    /// <summary>What the body of <see cref="Int16Async"/> can tell of its argument.</summary>
    public static string ObserveInt16(short x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> UInt16Async(ushort x);

    private Task<string> UInt16CoreAsync(ushort x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveUInt16(x));
    }

    /// <summary>What the body of <see cref="UInt16Async"/> can tell of its argument.</summary>
    public static string ObserveUInt16(ushort x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> Int32Async(int x);

    private Task<string> Int32CoreAsync(int x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveInt32(x));
    }

    /// <summary>What the body of <see cref="Int32Async"/> can tell of its argument.</summary>
    public static string ObserveInt32(int x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> UInt32Async(uint x);

    private Task<string> UInt32CoreAsync(uint x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveUInt32(x));
    }

    /// <summary>What the body of <see cref="UInt32Async"/> can tell of its argument.</summary>
    public static string ObserveUInt32(uint x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> Int64Async(long x);

    private Task<string> Int64CoreAsync(long x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveInt64(x));
    }

    /// <summary>What the body of <see cref="Int64Async"/> can tell of its argument.</summary>
    public static string ObserveInt64(long x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> UInt64Async(ulong x);

    private Task<string> UInt64CoreAsync(ulong x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveUInt64(x));
    }

    /// <summary>What the body of <see cref="UInt64Async"/> can tell of its argument.</summary>
    public static string ObserveUInt64(ulong x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> IntPtrAsync(nint x);

    private Task<string> IntPtrCoreAsync(nint x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveIntPtr(x));
    }

    /// <summary>What the body of <see cref="IntPtrAsync"/> can tell of its argument.</summary>
    public static string ObserveIntPtr(nint x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> UIntPtrAsync(nuint x);

    private Task<string> UIntPtrCoreAsync(nuint x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveUIntPtr(x));
    }

    /// <summary>What the body of <see cref="UIntPtrAsync"/> can tell of its argument.</summary>
    public static string ObserveUIntPtr(nuint x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> Int128Async(Int128 x);

    private Task<string> Int128CoreAsync(Int128 x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveInt128(x));
    }

    /// <summary>What the body of <see cref="Int128Async"/> can tell of its argument.</summary>
    public static string ObserveInt128(Int128 x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> UInt128Async(UInt128 x);

    private Task<string> UInt128CoreAsync(UInt128 x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveUInt128(x));
    }

    /// <summary>What the body of <see cref="UInt128Async"/> can tell of its argument.</summary>
    public static string ObserveUInt128(UInt128 x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> BigIntegerAsync(BigInteger x);

    private Task<string> BigIntegerCoreAsync(BigInteger x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveBigInteger(x));
    }

    /// <summary>What the body of <see cref="BigIntegerAsync"/> can tell of its argument.</summary>
    public static string ObserveBigInteger(BigInteger x) => x.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> SingleAsync(float x);

    private Task<string> SingleCoreAsync(float x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveSingle(x));
    }

    /// <summary>What the body of <see cref="SingleAsync"/> can tell of its argument.</summary>
    public static string ObserveSingle(float x) => BitConverter.SingleToInt32Bits(x).ToString("x8", I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> DoubleAsync(double x);

    private Task<string> DoubleCoreAsync(double x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveDouble(x));
    }

    /// <summary>What the body of <see cref="DoubleAsync"/> can tell of its argument.</summary>
    public static string ObserveDouble(double x) => BitConverter.DoubleToInt64Bits(x).ToString("x16", I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> HalfAsync(Half x);

    private Task<string> HalfCoreAsync(Half x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveHalf(x));
    }

    /// <summary>What the body of <see cref="HalfAsync"/> can tell of its argument.</summary>
    public static string ObserveHalf(Half x) => BitConverter.HalfToInt16Bits(x).ToString("x4", I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> DecimalAsync(decimal x);

    private Task<string> DecimalCoreAsync(decimal x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveDecimal(x));
    }

    /// <summary>What the body of <see cref="DecimalAsync"/> can tell of its argument.</summary>
    public static string ObserveDecimal(decimal x) => string.Join(",", decimal.GetBits(x));

    [Cached(DurationSeconds = 600)]
    public partial Task<string> DateTimeAsync(DateTime x);

    private Task<string> DateTimeCoreAsync(DateTime x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveDateTime(x));
    }

    /// <summary>What the body of <see cref="DateTimeAsync"/> can tell of its argument.</summary>
    public static string ObserveDateTime(DateTime x) => x.Ticks.ToString(I) + "/" + x.Kind + "/" + x.ToUniversalTime().Ticks.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> DateTimeOffsetAsync(DateTimeOffset x);

    private Task<string> DateTimeOffsetCoreAsync(DateTimeOffset x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveDateTimeOffset(x));
    }

    /// <summary>What the body of <see cref="DateTimeOffsetAsync"/> can tell of its argument.</summary>
    public static string ObserveDateTimeOffset(DateTimeOffset x) => x.Ticks.ToString(I) + "/" + x.Offset.ToString();

    [Cached(DurationSeconds = 600)]
    public partial Task<string> DateOnlyAsync(DateOnly x);

    private Task<string> DateOnlyCoreAsync(DateOnly x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveDateOnly(x));
    }

    /// <summary>What the body of <see cref="DateOnlyAsync"/> can tell of its argument.</summary>
    public static string ObserveDateOnly(DateOnly x) => x.DayNumber.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> TimeOnlyAsync(TimeOnly x);

    private Task<string> TimeOnlyCoreAsync(TimeOnly x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveTimeOnly(x));
    }

    /// <summary>What the body of <see cref="TimeOnlyAsync"/> can tell of its argument.</summary>
    public static string ObserveTimeOnly(TimeOnly x) => x.Ticks.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> TimeSpanAsync(TimeSpan x);

    private Task<string> TimeSpanCoreAsync(TimeSpan x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveTimeSpan(x));
    }

    /// <summary>What the body of <see cref="TimeSpanAsync"/> can tell of its argument.</summary>
    public static string ObserveTimeSpan(TimeSpan x) => x.Ticks.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> GuidAsync(Guid x);

    private Task<string> GuidCoreAsync(Guid x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveGuid(x));
    }

    /// <summary>What the body of <see cref="GuidAsync"/> can tell of its argument.</summary>
    public static string ObserveGuid(Guid x) => x.ToString();

    [Cached(DurationSeconds = 600)]
    public partial Task<string> RuneAsync(Rune x);

    private Task<string> RuneCoreAsync(Rune x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveRune(x));
    }

    /// <summary>What the body of <see cref="RuneAsync"/> can tell of its argument.</summary>
    public static string ObserveRune(Rune x) => x.Value.ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> EnumAsync(Shade x);

    private Task<string> EnumCoreAsync(Shade x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveEnum(x));
    }

    /// <summary>What the body of <see cref="EnumAsync"/> can tell of its argument.</summary>
    public static string ObserveEnum(Shade x) => ((int)x).ToString(I);

    [Cached(DurationSeconds = 600)]
    public partial Task<string> NullableDoubleAsync(double? x);

    private Task<string> NullableDoubleCoreAsync(double? x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveNullableDouble(x));
    }

    /// <summary>What the body of <see cref="NullableDoubleAsync"/> can tell of its argument.</summary>
    public static string ObserveNullableDouble(double? x) => x is { } v ? BitConverter.DoubleToInt64Bits(v).ToString("x16", I) : "null";

    [Cached(DurationSeconds = 600)]
    public partial Task<string> NullableDecimalAsync(decimal? x);

    private Task<string> NullableDecimalCoreAsync(decimal? x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveNullableDecimal(x));
    }

    /// <summary>What the body of <see cref="NullableDecimalAsync"/> can tell of its argument.</summary>
    public static string ObserveNullableDecimal(decimal? x) => x is { } v ? string.Join(",", decimal.GetBits(v)) : "null";

    [Cached(DurationSeconds = 600)]
    public partial Task<string> NullableDateTimeAsync(DateTime? x);

    private Task<string> NullableDateTimeCoreAsync(DateTime? x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveNullableDateTime(x));
    }

    /// <summary>What the body of <see cref="NullableDateTimeAsync"/> can tell of its argument.</summary>
    public static string ObserveNullableDateTime(DateTime? x) => x is { } v ? v.Ticks.ToString(I) + "/" + v.Kind + "/" + v.ToUniversalTime().Ticks.ToString(I) : "null";

    [Cached(DurationSeconds = 600)]
    public partial Task<string> NullableInt32Async(int? x);

    private Task<string> NullableInt32CoreAsync(int? x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveNullableInt32(x));
    }

    /// <summary>What the body of <see cref="NullableInt32Async"/> can tell of its argument.</summary>
    public static string ObserveNullableInt32(int? x) => x is { } v ? v.ToString(I) : "null";

    [Cached(DurationSeconds = 600)]
    public partial Task<string> RecordAsync(Reading? x);

    private Task<string> RecordCoreAsync(Reading? x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveRecord(x));
    }

    /// <summary>What the body of <see cref="RecordAsync"/> can tell of its argument.</summary>
    public static string ObserveRecord(Reading? x) =>
        x is null ? "null" : "(" + ObserveDouble(x.Value) + ";" + ObserveNullableDateTime(x.At) + ";" + ObserveString(x.Label) + ";" + ObserveRecordStruct(x.Inner) + ")";

    [Cached(DurationSeconds = 600)]
    public partial Task<string> RecordStructAsync(Range? x);

    private Task<string> RecordStructCoreAsync(Range? x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveRecordStruct(x));
    }

    /// <summary>What the body of <see cref="RecordStructAsync"/> can tell of its argument.</summary>
    public static string ObserveRecordStruct(Range? x) =>
        x is { } r ? "(" + ObserveDecimal(r.From) + ";" + ObserveDecimal(r.To) + ")" : "null";

    [Cached(DurationSeconds = 600)]
    public partial Task<string> TupleAsync((string? Name, DateTimeOffset At, float Weight) x);

    private Task<string> TupleCoreAsync((string? Name, DateTimeOffset At, float Weight) x)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(ObserveTuple(x));
    }

    /// <summary>What the body of <see cref="TupleAsync"/> can tell of its argument.</summary>
    public static string ObserveTuple((string? Name, DateTimeOffset At, float Weight) x) =>
        "(" + ObserveString(x.Name) + ";" + ObserveDateTimeOffset(x.At) + ";" + ObserveSingle(x.Weight) + ")";

    /// <summary>A record key: members of exact and wrapped types, a nested nullable record struct.</summary>
    public sealed record Reading(double Value, DateTime? At, string? Label, Range? Inner);

    /// <summary>A record struct key.</summary>
    public readonly record struct Range(decimal From, decimal To);
}
