namespace Aspects;

/// <summary>
/// Gives a <c>[RateLimited]</c> method one bucket per value of this parameter: a limit per tenant, per API key,
/// per user. Each value gets the method's (or its policy's) full rate and burst; values never share a bucket.
/// </summary>
/// <remarks>
/// <para>
/// The model is <c>System.Threading.RateLimiting.PartitionedRateLimiter</c>: a partition key selects a limiter
/// created on first use. Here the key is the argument's text, formatted by generated code with the rules of cache
/// keys (<see cref="Caching.CacheKeyBuilder"/>): two arguments share a bucket exactly when they would share a cache
/// entry. The supported types are the leaf types of cache keys (strings, numbers, <see cref="Guid"/>, enums, dates
/// and times, and user types that are <see cref="ISpanFormattable"/> and <see cref="IEquatable{T}"/>), nullable or
/// not; records and tuples are not partition keys (ASP0051).
/// </para>
/// <para>
/// A bucket that is full again holds nothing a new bucket would not, so idle partitions are dropped (see
/// <see cref="RateLimiting.RateLimitPartitions"/>): memory follows the partitions in use, not every value ever seen.
/// Partition values never appear in metric tags, traces, logs or <see cref="RateLimitRejectedException"/>: those
/// carry the method's bucket name. With <c>Scope = Distributed</c> each partition is its own Redis bucket.
/// </para>
/// <para>One parameter per method at most (ASP0050); the method must be <c>[RateLimited]</c> (ASP0052).</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class RateLimitPartitionAttribute : Attribute
{
}
