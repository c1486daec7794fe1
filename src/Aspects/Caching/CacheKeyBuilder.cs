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
/// <see cref="CultureInfo.InvariantCulture"/> through <see cref="ISpanFormattable"/>. Date and time
/// types use the round-trip format <c>O</c>, enums their number (<c>D</c>), decimals drop trailing zeros
/// (so <c>1.50m</c> and <c>1.5m</c>, which are equal, share a key).
/// </para>
/// <para>
/// Collision-proof for a given method: every argument is one <c>:</c>-separated segment in which
/// <c>\</c> is written <c>\\</c>, <c>:</c> is written <c>\:</c> and a lone UTF-16 surrogate is written
/// <c>\uXXXX</c>, so <c>("a:b", "c")</c> → <c>a\:b:c</c> and <c>("a", "b:c")</c> → <c>a:b\:c</c>. A
/// <see langword="null"/> argument is the segment <c>\0</c>, which no escaped value can produce, and
/// differs from the empty string (an empty segment).
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
    /// Appends a number, <see cref="Guid"/>, enum, date or time, <see cref="decimal"/>, <see cref="char"/>
    /// or any other <see cref="ISpanFormattable"/> (user types should also implement <see cref="IEquatable{T}"/>
    /// consistently with their formatting).
    /// </summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="value">The argument.</param>
    /// <param name="format">
    /// The format; <see langword="null"/> picks a lossless one: <c>O</c> for <see cref="DateTime"/>,
    /// <see cref="DateTimeOffset"/>, <see cref="DateOnly"/> and <see cref="TimeOnly"/>, <c>D</c> for enums,
    /// the type's default (round-trip for floating point) otherwise.
    /// </param>
    public void Append<T>(T value, string? format = null)
        where T : ISpanFormattable
    {
        format ??= DefaultFormat<T>();
        if (typeof(T) == typeof(decimal))
        {
            AppendDecimal(Unsafe.As<T, decimal>(ref value));
            return;
        }

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

        // Numbers survive renaming an enum member; names would silently change every key.
        return typeof(T).IsEnum ? "D" : null;
    }

    private void AppendDecimal(decimal value)
    {
        Span<char> text = stackalloc char[64];
        value.TryFormat(text, out var written, "G", CultureInfo.InvariantCulture);
        ReadOnlySpan<char> formatted = text[..written];
        if (formatted.Contains('.'))
        {
            // 1.50m == 1.5m, so both must map to one key.
            formatted = formatted.TrimEnd('0').TrimEnd('.');
        }

        if (formatted is "-0")
        {
            formatted = "0";
        }

        AppendSegment(formatted);
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
        if (text.IndexOfAny('\\', ':') < 0 && text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
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
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate has no UTF-8 form: written as is, two different ones would reach
                // Redis as the same replacement character.
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
