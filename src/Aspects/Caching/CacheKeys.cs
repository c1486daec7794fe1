using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Aspects.Caching;

/// <summary>Shortening of long keys, shared by <see cref="CacheKeyBuilder"/> and the L2 prefixing.</summary>
internal static class CacheKeys
{
    private const int HashHexLength = 64;

    /// <summary>
    /// Returns <paramref name="key"/> when shorter than <paramref name="maxLength"/>; otherwise a string of
    /// exactly <paramref name="maxLength"/> chars: the key's head, '#', and the SHA-256 hex of the whole key.
    /// </summary>
    public static string Shorten(ReadOnlySpan<char> key, int maxLength)
    {
        if (key.Length < maxLength)
        {
            return new string(key);
        }

        var headLength = maxLength - HashHexLength - 1;
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(key));
        var chars = ArrayPool<char>.Shared.Rent(maxLength);
        try
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes.AsSpan(0, Encoding.UTF8.GetBytes(key, bytes)), hash);
            var result = chars.AsSpan(0, maxLength);
            key[..headLength].CopyTo(result);
            if (char.IsHighSurrogate(result[headLength - 1]))
            {
                // The head is only for humans (the hash covers the whole key); never cut a pair in two.
                result[headLength - 1] = '_';
            }

            result[headLength] = '#';
            Convert.TryToHexStringLower(hash, result[(headLength + 1)..], out _);
            return new string(result);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
