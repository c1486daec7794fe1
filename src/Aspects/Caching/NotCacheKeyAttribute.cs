namespace Aspects;

/// <summary>
/// Leaves a parameter of a <see cref="CachedAttribute"/> method out of the cache key: calls that differ
/// only in this argument share one entry (use it for loggers, request context, options).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NotCacheKeyAttribute : Attribute
{
}
