using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>
/// Writes the L2 key of one call: <c>{Namespace.Type.Method}:{arg1}:{arg2}…</c>. Generated code emits
/// one <c>Append</c> per key parameter, chosen by the parameter's type, then calls <see cref="ToString"/>;
/// the runtime's L2 layer puts <see cref="CacheOptions.KeyPrefix"/> in front (<c>aspects:…</c>).
/// </summary>
/// <remarks>
/// <para>
/// Culture-invariant and without reflection: values are formatted with
/// <see cref="CultureInfo.InvariantCulture"/> through <see cref="ISpanFormattable"/>. Two arguments get the
/// same text exactly when the method's body cannot tell them apart, the same rule the in-process tier keys
/// by (see <see cref="Append{T}(T)"/>): a UTC and a local <see cref="DateTime"/> differ, and so do
/// <c>1.5m</c> and <c>1.50m</c>, <c>0.0</c> and <c>-0.0</c>, or <c>12:00+00:00</c> and <c>15:00+03:00</c>.
/// </para>
/// <para>
/// Collision-proof for a given method: every argument is one <c>:</c>-separated segment in which
/// <c>\</c> is written <c>\\</c>, <c>:</c> is written <c>\:</c>, and a control character (U+0000 to U+001F,
/// which <c>HybridCache</c> refuses in keys, and U+007F to U+009F) or a lone UTF-16 surrogate (which has no
/// UTF-8 form) is written <c>\uXXXX</c>; so <c>("a:b", "c")</c> → <c>a\:b:c</c>, <c>("a", "b:c")</c> →
/// <c>a:b\:c</c> and <c>"red\tshoes"</c> → <c>red\u0009shoes</c>. A <see langword="null"/> argument is
/// the segment <c>\0</c>, which no escaped value can produce, and differs from the empty string (an empty
/// segment).
/// </para>
/// <para>
/// Keys of <see cref="MaxLength"/> characters or more are shortened to exactly <see cref="MaxLength"/>
/// characters: the first <see cref="MaxLength"/> − 65 characters (kept for readability), <c>#</c>, and the
/// SHA-256 of the whole key's UTF-8 bytes in lowercase hex. Shorter keys are never changed, so a
/// shortened key cannot equal an unshortened one.
/// </para>
/// </remarks>
public ref struct CacheKeyBuilder
{
    /// <summary>Keys this long or longer end in a SHA-256 instead (see the remarks).</summary>
    public const int MaxLength = 256;

    private const int StackFormatLength = 128;

    // Written as \\, \: and \uXXXX; everything else is copied.
    private static readonly SearchValues<char> Escaped = SearchValues.Create(EscapedChars());

    private char[]? _buffer;
    private int _length;
    private string? _result;

    /// <summary>Starts the key of one call with the method's full name.</summary>
    /// <param name="methodName"><c>Namespace.Type.Method</c>, with generic arguments when the generator adds them.</param>
    public CacheKeyBuilder(string methodName)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        _buffer = ArrayPool<char>.Shared.Rent(Math.Max(StackFormatLength, methodName.Length * 2));
        methodName.CopyTo(_buffer);
        _length = methodName.Length;
    }

    /// <summary>
    /// Appends a number, <see cref="Guid"/>, enum, date or time, <see cref="char"/> or any other
    /// <see cref="ISpanFormattable"/> in a lossless, invariant form (see the remarks).
    /// </summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="value">The argument.</param>
    /// <remarks>
    /// Two values get the same text exactly when the method's body cannot tell them apart, the rule the
    /// in-process tier follows too (<see cref="ExactDouble"/> and its siblings): <see cref="DateTime"/>,
    /// <see cref="DateTimeOffset"/>, <see cref="DateOnly"/> and <see cref="TimeOnly"/> use the round-trip
    /// format <c>O</c> (a local <see cref="DateTime"/> carries its offset, a UTC one <c>Z</c>, an unspecified
    /// one neither; a <see cref="DateTimeOffset"/> its own offset); enums their number (<c>D</c>);
    /// <see cref="decimal"/> keeps its scale and the sign of zero (<c>1.5</c>, <c>1.50</c>, <c>-0</c>);
    /// <see cref="double"/>, <see cref="float"/> and <see cref="Half"/> the shortest round-trip text, which
    /// keeps <c>-0</c>, and a NaN its bits (<c>NaN(fff8000000000000)</c>). Other types use their default
    /// format, and must be formatted consistently with their <see cref="IEquatable{T}"/>.
    /// </remarks>
    public void Append<T>(T value)
        where T : ISpanFormattable
    {
        // typeof(T) comparisons are folded by the JIT for each value type, so this costs nothing at run time.
        if (typeof(T) == typeof(decimal))
        {
            AppendDecimal(Unsafe.As<T, decimal>(ref value));
            return;
        }

        if (typeof(T) == typeof(double))
        {
            var number = Unsafe.As<T, double>(ref value);
            if (double.IsNaN(number))
            {
                AppendNaN((ulong)BitConverter.DoubleToInt64Bits(number), "x16");
                return;
            }
        }
        else if (typeof(T) == typeof(float))
        {
            var number = Unsafe.As<T, float>(ref value);
            if (float.IsNaN(number))
            {
                AppendNaN((uint)BitConverter.SingleToInt32Bits(number), "x8");
                return;
            }
        }
        else if (typeof(T) == typeof(Half))
        {
            var number = Unsafe.As<T, Half>(ref value);
            if (Half.IsNaN(number))
            {
                AppendNaN((ushort)BitConverter.HalfToInt16Bits(number), "x4");
                return;
            }
        }

        var format = DefaultFormat<T>();
        Span<char> text = stackalloc char[StackFormatLength];
        if (value.TryFormat(text, out var written, format, CultureInfo.InvariantCulture))
        {
            AppendSegment(text[..written]);
            return;
        }

        AppendLargeFormattable(value, format);
    }

    /// <summary>Appends a string; <see langword="null"/> and <c>""</c> give different keys.</summary>
    /// <param name="value">The argument.</param>
    public void Append(string? value)
    {
        if (value is null)
        {
            AppendNull();
            return;
        }

        AppendSegment(value);
    }

    /// <summary>Appends a <see cref="bool"/> as <c>true</c> or <c>false</c>.</summary>
    /// <param name="value">The argument.</param>
    public void Append(bool value) => AppendSegment(value ? "true" : "false");

    /// <summary>Appends a <see langword="null"/> argument (a <see cref="Nullable{T}"/> without a value, a null string).</summary>
    public void AppendNull()
    {
        EnsureCapacity(3);
        var buffer = _buffer!;
        buffer[_length++] = ':';
        buffer[_length++] = '\\';
        buffer[_length++] = '0';
    }

    /// <summary>
    /// Starts a record or tuple argument that may be <see langword="null"/> and is not: the segment <c>\1</c>,
    /// followed by its members' segments (a <see langword="null"/> one is <see cref="AppendNull"/> alone), so
    /// a key text parses back into its arguments one way only.
    /// </summary>
    public void AppendPresent()
    {
        EnsureCapacity(3);
        var buffer = _buffer!;
        buffer[_length++] = ':';
        buffer[_length++] = '\\';
        buffer[_length++] = '1';
    }

    /// <summary>Returns the key, shortened with SHA-256 when it reaches <see cref="MaxLength"/>, and releases the builder's buffer.</summary>
    /// <returns>The key, without the runtime's prefix.</returns>
    public override string ToString()
    {
        if (_result is not null)
        {
            return _result;
        }

        var buffer = Buffer;
        _result = CacheKeys.Shorten(buffer.AsSpan(0, _length), MaxLength);
        _buffer = null;
        ArrayPool<char>.Shared.Return(buffer);
        return _result;
    }

    private readonly char[] Buffer => _buffer ?? throw new InvalidOperationException(
        $"The {nameof(CacheKeyBuilder)} was already turned into a string; start a new one for another key.");

    private static string? DefaultFormat<T>()
    {
        // typeof(T) comparisons are folded by the JIT for each value type, so this costs nothing at run time.
        if (typeof(T) == typeof(DateTime) || typeof(T) == typeof(DateTimeOffset)
            || typeof(T) == typeof(DateOnly) || typeof(T) == typeof(TimeOnly))
        {
            return "O";
        }

        // Shortest round-trip text: distinct for distinct non-NaN values, -0 included.
        if (typeof(T) == typeof(double) || typeof(T) == typeof(float) || typeof(T) == typeof(Half))
        {
            return "R";
        }

        // Numbers survive renaming an enum member; names would silently change every key.
        return typeof(T).IsEnum ? "D" : null;
    }

    private void AppendDecimal(decimal value)
    {
        // "G" keeps the scale (1.50m → "1.50"), which the body can see; only a negative zero loses its sign.
        Span<char> text = stackalloc char[64];
        text[0] = '-';
        value.TryFormat(text[1..], out var written, "G", CultureInfo.InvariantCulture);
        var withSign = decimal.IsNegative(value) && text[1] != '-';
        AppendSegment(withSign ? text[..(written + 1)] : text.Slice(1, written));
    }

    private void AppendNaN(ulong bits, string format)
    {
        Span<char> text = stackalloc char[24];
        "NaN(".CopyTo(text);
        bits.TryFormat(text[4..], out var written, format, CultureInfo.InvariantCulture);
        text[4 + written] = ')';
        AppendSegment(text[..(5 + written)]);
    }

    private void AppendLargeFormattable<T>(T value, string? format)
        where T : ISpanFormattable
    {
        var size = StackFormatLength * 4;
        while (true)
        {
            var rented = ArrayPool<char>.Shared.Rent(size);
            try
            {
                if (value.TryFormat(rented, out var written, format, CultureInfo.InvariantCulture))
                {
                    AppendSegment(rented.AsSpan(0, written));
                    return;
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(rented);
            }

            size = checked(size * 2);
        }
    }

    private void AppendSegment(scoped ReadOnlySpan<char> text)
    {
        // Worst case every char becomes a 6-char \uXXXX escape.
        EnsureCapacity(1 + (text.Length * 6));
        var buffer = _buffer!;
        buffer[_length++] = ':';
        if (text.IndexOfAny(Escaped) < 0)
        {
            text.CopyTo(buffer.AsSpan(_length));
            _length += text.Length;
            return;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\\' or ':')
            {
                buffer[_length++] = '\\';
                buffer[_length++] = c;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                buffer[_length++] = c;
                buffer[_length++] = text[++i];
            }
            else if (char.IsSurrogate(c) || char.IsControl(c))
            {
                // A lone surrogate has no UTF-8 form: written as is, two different ones would reach
                // Redis as the same replacement character. HybridCache refuses keys with control
                // characters (U+0000 to U+001F) and would skip the L2 for them; U+007F to U+009F go too.
                buffer[_length++] = '\\';
                buffer[_length++] = 'u';
                ((int)c).TryFormat(buffer.AsSpan(_length, 4), out _, "x4", CultureInfo.InvariantCulture);
                _length += 4;
            }
            else
            {
                buffer[_length++] = c;
            }
        }
    }

    private static string EscapedChars()
    {
        var chars = new char[2 + 32 + 33 + 2048];
        chars[0] = '\\';
        chars[1] = ':';
        var count = 2;
        for (var c = '\u0000'; c <= '\u001F'; c++)
        {
            chars[count++] = c;
        }

        for (var c = '\u007F'; c <= '\u009F'; c++)
        {
            chars[count++] = c;
        }

        for (var c = '\uD800'; c <= '\uDFFF'; c++)
        {
            chars[count++] = c;
        }

        return new string(chars);
    }

    private void EnsureCapacity(int additional)
    {
        var buffer = Buffer;
        if (buffer.Length - _length >= additional)
        {
            return;
        }

        var larger = ArrayPool<char>.Shared.Rent(Math.Max(buffer.Length * 2, _length + additional));
        buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(buffer);
        _buffer = larger;
    }
}
