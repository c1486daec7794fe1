using System.Globalization;
using Castle.DynamicProxy;
using Microsoft.Extensions.Caching.Memory;

namespace Aspects.Benchmarks.Caching;

/// <summary>
/// A typical hand-rolled caching interceptor: a string key from the method and its arguments, the
/// returned task stored in <see cref="IMemoryCache"/>. The comparison point for proxy-based caching.
/// </summary>
public sealed class MemoryCacheInterceptor(IMemoryCache cache, TimeSpan duration) : IInterceptor
{
    /// <inheritdoc />
    public void Intercept(IInvocation invocation)
    {
        var key = invocation.Method.DeclaringType!.FullName + "." + invocation.Method.Name + ":" +
            string.Join(":", invocation.Arguments.Where(a => a is not CancellationToken).Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)));
        if (cache.TryGetValue(key, out var cached))
        {
            invocation.ReturnValue = cached;
            return;
        }

        invocation.Proceed();
        cache.Set(key, invocation.ReturnValue, duration);
    }
}
