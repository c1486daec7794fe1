using System.Globalization;
using Aspects.Caching;
using Aspects.Tests.Caching.Keys;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Aspects.Tests.Caching;

public class CacheKeyBuilderTests
{
    private enum Color
    {
        Red = 1,
        Green = 2,
    }

    [Fact]
    public void A_key_starts_with_the_method_name_and_separates_arguments_with_colons()
    {
        var builder = new CacheKeyBuilder("Shop.Catalog.GetProduct");
        builder.Append(42);
        builder.Append("sku");
        Assert.Equal("Shop.Catalog.GetProduct:42:sku", builder.ToString());
    }

    [Fact]
    public void Every_supported_type_has_a_lossless_invariant_form()
    {
        var builder = new CacheKeyBuilder("M");
        builder.Append((byte)1);
        builder.Append((short)-2);
        builder.Append(3L);
        builder.Append(4u);
        builder.Append(1.5);
        builder.Append(0.1f);
        builder.Append(12.50m);
        builder.Append('c');
        builder.Append(true);
        builder.Append(Color.Green);
        builder.Append(new Guid("01234567-89ab-cdef-0123-456789abcdef"));
        builder.Append(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        builder.Append(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)));
        builder.Append(new DateOnly(2024, 5, 6));
        builder.Append(new TimeOnly(7, 8, 9));
        builder.Append(TimeSpan.FromMinutes(90));
        builder.Append(new Sku("AB", 7));

        Assert.Equal(
            @"M:1:-2:3:4:1.5:0.1:12.50:c:true:2:01234567-89ab-cdef-0123-456789abcdef" +
            @":2024-05-06T07\:08\:09.0000000Z:2024-05-06T07\:08\:09.0000000+02\:00:2024-05-06:07\:08\:09.0000000:01\:30\:00:AB-7",
            builder.ToString());
    }

    [Fact]
    public void Nullable_arguments_write_the_value_or_a_null_marker()
    {
        int? present = 5;
        int? absent = null;
        var builder = new CacheKeyBuilder("M");
        if (present is { } value)
        {
            builder.Append(value);
        }

        if (absent is null)
        {
            builder.AppendNull();
        }

        Assert.Equal(@"M:5:\0", builder.ToString());
    }

    [Fact]
    public void Keys_do_not_depend_on_the_current_culture()
    {
        static string Key()
        {
            var builder = new CacheKeyBuilder("M");
            builder.Append(1234.5);
            builder.Append(-7.25m);
            builder.Append(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified));
            builder.Append(-3);
            return builder.ToString();
        }

        var invariant = Key();
        var original = CultureInfo.CurrentCulture;
        try
        {
            foreach (var culture in new[] { "de-DE", "fr-FR", "ar-SA", "th-TH", "fa-IR" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                Assert.Equal(invariant, Key());
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        Assert.Equal(@"M:1234.5:-7.25:2024-01-02T03\:04\:05.0000000:-3", invariant);
    }

    [Theory]
    [InlineData("a:b", "c", "a", "b:c")]
    [InlineData(@"a\", ":b", @"a\:", "b")]
    [InlineData(@"a\", "b", @"a\\", "b")]
    [InlineData("", "a", "a", "")]
    [InlineData(@"\0", "a", null, "a")]
    public void Different_arguments_never_give_the_same_key(string? a1, string? a2, string? b1, string? b2)
    {
        Assert.NotEqual(Key(a1, a2), Key(b1, b2));

        static string Key(string? x, string? y)
        {
            var builder = new CacheKeyBuilder("M");
            builder.Append(x);
            builder.Append(y);
            return builder.ToString();
        }
    }

    [Fact]
    public void Null_and_the_empty_string_give_different_keys()
    {
        var withNull = new CacheKeyBuilder("M");
        withNull.Append((string?)null);
        var withEmpty = new CacheKeyBuilder("M");
        withEmpty.Append(string.Empty);

        Assert.Equal(@"M:\0", withNull.ToString());
        Assert.Equal("M:", withEmpty.ToString());
    }

    [Fact]
    public void Decimals_the_body_can_tell_apart_get_different_keys()
    {
        // 1.5m == 1.50m, but 1.50m.ToString() is "1.50": the scale is visible, so it is part of the key.
        Assert.Equal(@"M:1.5", Key(1.5m));
        Assert.Equal(@"M:1.50", Key(1.50m));
        Assert.Equal(@"M:0", Key(0m));
        Assert.Equal(@"M:-0.00", Key(new decimal(0, 0, 0, isNegative: true, scale: 2)));
        Assert.Equal(@"M:-2.5", Key(-2.5m));

        static string Key(decimal value)
        {
            var builder = new CacheKeyBuilder("M");
            builder.Append(value);
            return builder.ToString();
        }
    }

    [Fact]
    public void Floating_point_keys_keep_the_sign_of_zero_and_the_bits_of_a_NaN()
    {
        Assert.Equal("M:0", Key(0.0));
        Assert.Equal("M:-0", Key(-0.0));
        Assert.Equal("M:NaN(fff8000000000000)", Key(double.NaN));
        Assert.Equal("M:NaN(7ff8000000000001)", Key(BitConverter.Int64BitsToDouble(0x7FF8000000000001)));
        Assert.Equal("M:-Infinity", Key(double.NegativeInfinity));

        var single = new CacheKeyBuilder("M");
        single.Append(BitConverter.Int32BitsToSingle(0x7FC00001));
        single.Append(-0f);
        single.Append(BitConverter.Int16BitsToHalf(0x7E01));
        Assert.Equal("M:NaN(7fc00001):-0:NaN(7e01)", single.ToString());

        static string Key(double value)
        {
            var builder = new CacheKeyBuilder("M");
            builder.Append(value);
            return builder.ToString();
        }
    }

    [Fact]
    public void Dates_keep_their_kind_and_offsets()
    {
        var builder = new CacheKeyBuilder("M");
        builder.Append(new DateTime(2024, 3, 31, 1, 30, 0, DateTimeKind.Utc));
        builder.Append(new DateTime(2024, 3, 31, 1, 30, 0, DateTimeKind.Unspecified));
        builder.Append(new DateTimeOffset(2024, 3, 31, 12, 0, 0, TimeSpan.Zero));
        builder.Append(new DateTimeOffset(2024, 3, 31, 15, 0, 0, TimeSpan.FromHours(3)));
        Assert.Equal(
            @"M:2024-03-31T01\:30\:00.0000000Z:2024-03-31T01\:30\:00.0000000:2024-03-31T12\:00\:00.0000000+00\:00:2024-03-31T15\:00\:00.0000000+03\:00",
            builder.ToString());
    }

    [Theory]
    [InlineData("red\tshoes", @"M:red\u0009shoes")]
    [InlineData("\0", @"M:\u0000")]
    [InlineData("a\u001Fb\u007F\u009F", @"M:a\u001fb\u007f\u009f")]
    public void Control_characters_are_escaped_because_HybridCache_refuses_them(string value, string expected)
    {
        var builder = new CacheKeyBuilder("M");
        builder.Append(value);
        Assert.Equal(expected, builder.ToString());
    }

    [Fact]
    public async Task String_keys_of_every_char_class_are_accepted_by_HybridCache_and_never_collide()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        using var services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
        var hybrid = services.GetRequiredService<HybridCache>();
        var keys = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < 2_000; i++)
        {
            var value = KeyValues.String(random);
            var builder = new CacheKeyBuilder("M");
            builder.Append(value);
            var key = builder.ToString();
            if (keys.TryGetValue(key, out var earlier))
            {
                Assert.True(earlier == value, $"seed {seed}: '{earlier}' and '{value}' share the key '{key}'");
                continue;
            }

            keys.Add(key, value);

            // The real HybridCache runs the factory again for every call with a key it refuses.
            var runs = 0;
            for (var call = 0; call < 2; call++)
            {
                await hybrid.GetOrCreateAsync(key, ct => { runs++; return ValueTask.FromResult(1); });
            }

            Assert.True(runs == 1, $"seed {seed}: HybridCache refused the key '{key}' of '{value}'");
        }
    }

    [Fact]
    public void Lone_surrogates_are_escaped_so_keys_stay_valid_unicode()
    {
        var one = new CacheKeyBuilder("M");
        one.Append("\uD800");
        var other = new CacheKeyBuilder("M");
        other.Append("\uD801");

        Assert.Equal(@"M:\ud800", one.ToString());
        Assert.NotEqual(one.ToString(), other.ToString());
    }

    [Fact]
    public void Keys_reaching_the_limit_keep_a_readable_head_and_end_in_the_sha256_of_the_whole_key()
    {
        var below = Key(new string('a', CacheKeyBuilder.MaxLength - 3));
        var at = Key(new string('a', CacheKeyBuilder.MaxLength - 2));
        var otherAtEnd = Key(new string('a', CacheKeyBuilder.MaxLength - 3) + "b");

        Assert.Equal(CacheKeyBuilder.MaxLength - 1, below.Length);
        Assert.Equal("M:" + new string('a', CacheKeyBuilder.MaxLength - 3), below);
        Assert.Equal(CacheKeyBuilder.MaxLength, at.Length);
        Assert.StartsWith("M:aaaa", at, StringComparison.Ordinal);
        Assert.Matches("#[0-9a-f]{64}$", at);
        Assert.Equal(at, Key(new string('a', CacheKeyBuilder.MaxLength - 2)));
        Assert.NotEqual(at, otherAtEnd);
        Assert.Equal(CacheKeyBuilder.MaxLength, Key(new string('z', 10_000)).Length);

        static string Key(string value)
        {
            var builder = new CacheKeyBuilder("M");
            builder.Append(value);
            return builder.ToString();
        }
    }

    [Fact]
    public void A_value_longer_than_the_stack_buffer_is_formatted_completely()
    {
        var builder = new CacheKeyBuilder("M");
        builder.Append(new Sku(new string('q', 300), 1));
        Assert.Equal(CacheKeyBuilder.MaxLength, builder.ToString().Length);
    }

    [Fact]
    public void ToString_can_be_called_twice_but_the_builder_cannot_grow_afterwards()
    {
        var builder = new CacheKeyBuilder("M");
        builder.Append(1);
        var key = builder.ToString();

        Assert.Same(key, builder.ToString());
        var thrown = false;
        try
        {
            builder.Append(2);
        }
        catch (InvalidOperationException)
        {
            thrown = true;
        }

        Assert.True(thrown, "Appending after ToString must fail.");
    }

    /// <summary>A user key type: formattable and equatable.</summary>
    private readonly record struct Sku(string Prefix, int Number) : ISpanFormattable
    {
        public string ToString(string? format, IFormatProvider? formatProvider) => $"{Prefix}-{Number}";

        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
            destination.TryWrite(provider, $"{Prefix}-{Number}", out charsWritten);
    }
}
