namespace Aspects;

/// <summary>
/// Declares that a parameter of a <see cref="CachedAttribute"/> method never changes the result, so it is left
/// out of the cache key: calls that differ only in this argument share one entry (loggers, trace ids, request
/// context). Never put it on a parameter that selects the answer — a caller would get another's result; key on
/// the values that identify the result instead (a record or tuple of them is a key too).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NotCacheKeyAttribute : Attribute
{
}
