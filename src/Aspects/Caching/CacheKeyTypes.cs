using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Aspects.Caching;

/// <summary>Checks generated <see cref="CachedAttribute"/> wrappers make on record keys.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CacheKeyTypes
{
    /// <summary>
    /// Whether <paramref name="value"/> is an instance of a type derived from <typeparamref name="T"/>. A key
    /// holds the members of <typeparamref name="T"/> only, so a derived record (which may add members the body
    /// can see) is not cached.
    /// </summary>
    /// <typeparam name="T">The parameter's declared record type.</typeparam>
    /// <param name="value">The argument.</param>
    /// <returns><see langword="true"/> when the argument's type is not exactly <typeparamref name="T"/>; <see langword="false"/> for <see langword="null"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDerived<T>(T? value)
        where T : class =>
        value is not null && value.GetType() != typeof(T);
}
