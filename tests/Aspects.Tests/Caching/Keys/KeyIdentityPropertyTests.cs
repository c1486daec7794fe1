using System.Globalization;
using System.Numerics;
using System.Text;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Hybrid;
using Xunit.Sdk;

namespace Aspects.Tests.Caching.Keys;

/// <summary>
/// The key identity rule, explored: for random arguments of every supported key type, two calls share an
/// entry in the in-process tier exactly when their distributed-tier key texts are equal, and a call never
/// gets an answer the body would not have given it. Set ASPECTS_KEY_SEED to replay a failure.
/// </summary>
public sealed class KeyIdentityPropertyTests : GeneratedWrapperTests
{
    private const int PairsPerType = 400;

    private readonly KeyRecordingHybridCache _l2 = new();
    private KeyedService _memory = null!;
    private KeyedService _distributed = null!;
    private Random _random = null!;

    [Fact]
    public async Task In_process_keys_are_equal_exactly_when_L2_key_texts_are_equal_for_every_supported_key_type()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ASPECTS_KEY_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        _random = new Random(seed);
        _memory = new KeyedService(Runtime);
        _distributed = new KeyedService(new AspectRuntime(new AspectRuntimeOptions { TimeProvider = Clock, Cache = { DistributedCache = _l2 } }));
        try
        {
        await Check<string?>("String", static r => KeyValues.String(r), static (s, x) => s.StringAsync(x), static (s, x) => s.InvalidateStringAsync(x), KeyedService.ObserveString);
        await Check<bool>("Bool", static r => r.Next(2) == 0, static (s, x) => s.BoolAsync(x), static (s, x) => s.InvalidateBoolAsync(x), KeyedService.ObserveBool);
        await Check<char>("Char", static r => KeyValues.Pick(r, ['a', ':', '\\', '\t', '\0', '\uD800', '\uDC00', '\u007F'], static r => (char)r.Next(65536)), static (s, x) => s.CharAsync(x), static (s, x) => s.InvalidateCharAsync(x), KeyedService.ObserveChar);
        await Check<sbyte>("SByte", static r => (sbyte)KeyValues.SmallOrAny(r), static (s, x) => s.SByteAsync(x), static (s, x) => s.InvalidateSByteAsync(x), KeyedService.ObserveSByte);
        await Check<byte>("Byte", static r => (byte)KeyValues.SmallOrAny(r), static (s, x) => s.ByteAsync(x), static (s, x) => s.InvalidateByteAsync(x), KeyedService.ObserveByte);
        await Check<short>("Int16", static r => (short)KeyValues.SmallOrAny(r), static (s, x) => s.Int16Async(x), static (s, x) => s.InvalidateInt16Async(x), KeyedService.ObserveInt16);
        await Check<ushort>("UInt16", static r => (ushort)KeyValues.SmallOrAny(r), static (s, x) => s.UInt16Async(x), static (s, x) => s.InvalidateUInt16Async(x), KeyedService.ObserveUInt16);
        await Check<int>("Int32", static r => (int)KeyValues.SmallOrAny(r), static (s, x) => s.Int32Async(x), static (s, x) => s.InvalidateInt32Async(x), KeyedService.ObserveInt32);
        await Check<uint>("UInt32", static r => (uint)KeyValues.SmallOrAny(r), static (s, x) => s.UInt32Async(x), static (s, x) => s.InvalidateUInt32Async(x), KeyedService.ObserveUInt32);
        await Check<long>("Int64", static r => KeyValues.SmallOrAny(r), static (s, x) => s.Int64Async(x), static (s, x) => s.InvalidateInt64Async(x), KeyedService.ObserveInt64);
        await Check<ulong>("UInt64", static r => (ulong)KeyValues.SmallOrAny(r), static (s, x) => s.UInt64Async(x), static (s, x) => s.InvalidateUInt64Async(x), KeyedService.ObserveUInt64);
        await Check<nint>("IntPtr", static r => (nint)KeyValues.SmallOrAny(r), static (s, x) => s.IntPtrAsync(x), static (s, x) => s.InvalidateIntPtrAsync(x), KeyedService.ObserveIntPtr);
        await Check<nuint>("UIntPtr", static r => (nuint)KeyValues.SmallOrAny(r), static (s, x) => s.UIntPtrAsync(x), static (s, x) => s.InvalidateUIntPtrAsync(x), KeyedService.ObserveUIntPtr);
        await Check<Int128>("Int128", static r => new Int128((ulong)KeyValues.SmallOrAny(r), (ulong)KeyValues.SmallOrAny(r)), static (s, x) => s.Int128Async(x), static (s, x) => s.InvalidateInt128Async(x), KeyedService.ObserveInt128);
        await Check<UInt128>("UInt128", static r => new UInt128((ulong)KeyValues.SmallOrAny(r), (ulong)KeyValues.SmallOrAny(r)), static (s, x) => s.UInt128Async(x), static (s, x) => s.InvalidateUInt128Async(x), KeyedService.ObserveUInt128);
        await Check<BigInteger>("BigInteger", static r => new BigInteger(KeyValues.SmallOrAny(r)) * KeyValues.SmallOrAny(r), static (s, x) => s.BigIntegerAsync(x), static (s, x) => s.InvalidateBigIntegerAsync(x), KeyedService.ObserveBigInteger);
        await Check<float>("Single", static r => KeyValues.Single(r), static (s, x) => s.SingleAsync(x), static (s, x) => s.InvalidateSingleAsync(x), KeyedService.ObserveSingle);
        await Check<double>("Double", static r => KeyValues.Double(r), static (s, x) => s.DoubleAsync(x), static (s, x) => s.InvalidateDoubleAsync(x), KeyedService.ObserveDouble);
        await Check<Half>("Half", static r => KeyValues.Half(r), static (s, x) => s.HalfAsync(x), static (s, x) => s.InvalidateHalfAsync(x), KeyedService.ObserveHalf);
        await Check<decimal>("Decimal", static r => KeyValues.Decimal(r), static (s, x) => s.DecimalAsync(x), static (s, x) => s.InvalidateDecimalAsync(x), KeyedService.ObserveDecimal);
        await Check<DateTime>("DateTime", static r => KeyValues.DateTime(r), static (s, x) => s.DateTimeAsync(x), static (s, x) => s.InvalidateDateTimeAsync(x), KeyedService.ObserveDateTime);
        await Check<DateTimeOffset>("DateTimeOffset", static r => KeyValues.DateTimeOffset(r), static (s, x) => s.DateTimeOffsetAsync(x), static (s, x) => s.InvalidateDateTimeOffsetAsync(x), KeyedService.ObserveDateTimeOffset);
        await Check<DateOnly>("DateOnly", static r => DateOnly.FromDayNumber((int)(KeyValues.SmallOrAny(r) & 0xFFFFF)), static (s, x) => s.DateOnlyAsync(x), static (s, x) => s.InvalidateDateOnlyAsync(x), KeyedService.ObserveDateOnly);
        await Check<TimeOnly>("TimeOnly", static r => new TimeOnly(KeyValues.SmallOrAny(r) & 0x7FFFFFFF), static (s, x) => s.TimeOnlyAsync(x), static (s, x) => s.InvalidateTimeOnlyAsync(x), KeyedService.ObserveTimeOnly);
        await Check<TimeSpan>("TimeSpan", static r => new TimeSpan(KeyValues.SmallOrAny(r)), static (s, x) => s.TimeSpanAsync(x), static (s, x) => s.InvalidateTimeSpanAsync(x), KeyedService.ObserveTimeSpan);
        await Check<Guid>("Guid", static r => KeyValues.Pick(r, [Guid.Empty, new Guid("01234567-89ab-cdef-0123-456789abcdef")], static r => Guid.NewGuid()), static (s, x) => s.GuidAsync(x), static (s, x) => s.InvalidateGuidAsync(x), KeyedService.ObserveGuid);
        await Check<Rune>("Rune", static r => KeyValues.Pick(r, [new Rune('a'), new Rune(0x1F600)], static r => Rune.IsValid(r.Next(0x110000)) ? new Rune(r.Next(0xD800)) : new Rune(0x10FFFF)), static (s, x) => s.RuneAsync(x), static (s, x) => s.InvalidateRuneAsync(x), KeyedService.ObserveRune);
        await Check<KeyedService.Shade>("Enum", static r => (KeyedService.Shade)r.Next(-3, 3), static (s, x) => s.EnumAsync(x), static (s, x) => s.InvalidateEnumAsync(x), KeyedService.ObserveEnum);
        await Check<double?>("NullableDouble", static r => r.Next(4) == 0 ? null : KeyValues.Double(r), static (s, x) => s.NullableDoubleAsync(x), static (s, x) => s.InvalidateNullableDoubleAsync(x), KeyedService.ObserveNullableDouble);
        await Check<decimal?>("NullableDecimal", static r => r.Next(4) == 0 ? null : KeyValues.Decimal(r), static (s, x) => s.NullableDecimalAsync(x), static (s, x) => s.InvalidateNullableDecimalAsync(x), KeyedService.ObserveNullableDecimal);
        await Check<DateTime?>("NullableDateTime", static r => r.Next(4) == 0 ? null : KeyValues.DateTime(r), static (s, x) => s.NullableDateTimeAsync(x), static (s, x) => s.InvalidateNullableDateTimeAsync(x), KeyedService.ObserveNullableDateTime);
        await Check<int?>("NullableInt32", static r => r.Next(4) == 0 ? null : (int)KeyValues.SmallOrAny(r), static (s, x) => s.NullableInt32Async(x), static (s, x) => s.InvalidateNullableInt32Async(x), KeyedService.ObserveNullableInt32);
            await Check<KeyedService.Reading?>("Record", static r => KeyValues.Reading(r), static (s, x) => s.RecordAsync(x), static (s, x) => s.InvalidateRecordAsync(x), KeyedService.ObserveRecord);
            await Check<KeyedService.Range?>("RecordStruct", static r => KeyValues.Range(r), static (s, x) => s.RecordStructAsync(x), static (s, x) => s.InvalidateRecordStructAsync(x), KeyedService.ObserveRecordStruct);
            await Check<(string?, DateTimeOffset, float)>("Tuple", static r => (KeyValues.String(r), KeyValues.DateTimeOffset(r), KeyValues.Single(r)), static (s, x) => s.TupleAsync(x), static (s, x) => s.InvalidateTupleAsync(x), static x => KeyedService.ObserveTuple(x));
        }
        catch (Exception e)
        {
            throw new XunitException("Replay with ASPECTS_KEY_SEED=" + seed.ToString(CultureInfo.InvariantCulture) + ": " + e.Message, e);
        }
    }

    private async Task Check<T>(
        string type, Func<Random, T> next, Func<KeyedService, T, Task<string>> call, Func<KeyedService, T, ValueTask> invalidate, Func<T, string> observe)
    {
        for (var i = 0; i < PairsPerType; i++)
        {
            var a = next(_random);
            var b = _random.Next(3) == 0 ? a : next(_random);
            var what = type + " " + Show(a, observe) + " then " + Show(b, observe);

            // In process: does the second call reuse the first one's entry?
            var calls = _memory.Calls;
            Assert.True(observe(a) == await call(_memory, a).WaitAsync(Bound), what + ": the first call got another answer");
            var second = await call(_memory, b).WaitAsync(Bound);
            var sharedInProcess = _memory.Calls == calls + 1;
            Assert.True(observe(b) == second, what + ": the second call was answered '" + second + "', its body answers '" + observe(b) + "'");
            await invalidate(_memory, a);
            await invalidate(_memory, b);

            // Distributed tier: the key texts the two calls use.
            _l2.Removed.Clear();
            await invalidate(_distributed, a);
            await invalidate(_distributed, b);
            var sameText = _l2.Removed[0] == _l2.Removed[1];
            foreach (var key in _l2.Removed)
            {
                Assert.True(KeyRecordingHybridCache.IsAcceptedKey(key), what + ": HybridCache refuses the key '" + key + "'");
            }

            Assert.True(
                sharedInProcess == sameText,
                what + (sharedInProcess ? " share an in-process entry but have the L2 keys " : " have separate in-process entries but the L2 keys ")
                + "'" + _l2.Removed[0] + "' and '" + _l2.Removed[1] + "'");
            Assert.True(
                sameText == (observe(a) == observe(b)),
                what + (sameText ? ": the body tells them apart, yet they share the L2 key " : ": the body cannot tell them apart, yet their L2 keys differ: ")
                + "'" + _l2.Removed[0] + "' and '" + _l2.Removed[1] + "'");
        }
    }

    private static string Show<T>(T value, Func<T, string> observe) =>
        "(" + (value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "null").Replace("\0", "\\0", StringComparison.Ordinal) + " = " + observe(value) + ")";
}
