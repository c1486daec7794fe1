using System.Text;

namespace Aspects.Tests.Caching.Keys;

/// <summary>
/// Random arguments that often coincide or nearly coincide: values the types' own Equals calls equal but the
/// body can tell apart (0.0 and -0.0, NaN payloads, 1.5m and 1.50m, a UTC and a local 01:30), drawn next to
/// arbitrary ones.
/// </summary>
internal static class KeyValues
{
    private static readonly DateTime Instant = new(2024, 3, 31, 1, 30, 0, DateTimeKind.Unspecified);

    public static T Pick<T>(Random random, T[] pool, Func<Random, T> any) =>
        random.Next(2) == 0 ? pool[random.Next(pool.Length)] : any(random);

    public static long SmallOrAny(Random random) => random.Next(3) switch
    {
        0 => random.Next(-2, 3),
        1 => random.Next(2) == 0 ? long.MinValue : long.MaxValue,
        _ => random.NextInt64(long.MinValue, long.MaxValue),
    };

    public static double Double(Random random) => Pick(
        random,
        [0.0, -0.0, double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF8000000000001), double.PositiveInfinity, double.NegativeInfinity, 1.5, double.Epsilon],
        static r => BitConverter.Int64BitsToDouble(r.NextInt64(long.MinValue, long.MaxValue)));

    public static float Single(Random random) => Pick(
        random,
        [0f, -0f, float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7FC00001), float.PositiveInfinity, 1.5f],
        static r => BitConverter.Int32BitsToSingle(r.Next(int.MinValue, int.MaxValue)));

    public static Half Half(Random random) => BitConverter.Int16BitsToHalf((short)random.Next(short.MinValue, short.MaxValue + 1));

    public static decimal Decimal(Random random) => random.Next(2) == 0
        ? new decimal(random.Next(3), 0, 0, random.Next(2) == 0, (byte)random.Next(3))
        : new decimal(random.Next(), random.Next(), random.Next(), random.Next(2) == 0, (byte)random.Next(29));

    public static DateTime DateTime(Random random)
    {
        switch (random.Next(3))
        {
            case 0:
                return System.DateTime.SpecifyKind(Instant.AddHours(random.Next(3)), (DateTimeKind)random.Next(3));
            case 1:
                // A UTC instant seen in the local zone: in a repeated hour two of them share ticks and differ in a hidden flag.
                var utc = new DateTime(2024, 11, 3, 4, 0, 0, DateTimeKind.Utc).AddMinutes(30 * random.Next(6));
                return random.Next(2) == 0 ? utc.ToLocalTime() : utc;
            default:
                return new DateTime(random.NextInt64(System.DateTime.MaxValue.Ticks), (DateTimeKind)random.Next(3));
        }
    }

    public static DateTimeOffset DateTimeOffset(Random random) => random.Next(2) == 0
        ? new DateTimeOffset(new DateTime(2024, 3, 31, 12, 0, 0).AddHours(random.Next(3)), TimeSpan.Zero).ToOffset(TimeSpan.FromHours(random.Next(-1, 4)))
        : new DateTimeOffset(random.NextInt64(System.DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay) + TimeSpan.TicksPerDay, TimeSpan.FromMinutes(random.Next(-840, 841)));

    /// <summary>Strings from every class of UTF-16 code unit: the separators, controls, lone and paired surrogates, letters.</summary>
    public static string? String(Random random)
    {
        if (random.Next(10) == 0)
        {
            return random.Next(2) == 0 ? null : string.Empty;
        }

        var text = new StringBuilder();
        var length = random.Next(1, 6);
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(8) switch
            {
                0 => ":",
                1 => "\\",
                2 => ((char)random.Next(0x20)).ToString(),
                3 => ((char)random.Next(0x7F, 0xA0)).ToString(),
                4 => ((char)random.Next(0xD800, 0xE000)).ToString(),
                5 => char.ConvertFromUtf32(random.Next(0x10000, 0x110000)),
                6 => "0u",
                _ => ((char)random.Next(0x20, 0x7F)).ToString(),
            });
        }

        return text.ToString();
    }

    public static KeyedService.Range? Range(Random random) =>
        random.Next(4) == 0 ? null : new KeyedService.Range(Decimal(random), Decimal(random));

    public static KeyedService.Reading? Reading(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => new KeyedService.Reading(0.0, null, null, null),
        _ => new KeyedService.Reading(
            Double(random), random.Next(3) == 0 ? null : DateTime(random), random.Next(2) == 0 ? "a" : String(random), Range(random)),
    };
}
