using System.Threading.RateLimiting;

namespace Aspects.RateLimiting;

/// <summary>
/// The lease handed out through the <see cref="RateLimiter"/> API. Token-bucket permits are spent,
/// not returned, so disposing a lease does nothing and the successful one is a shared instance.
/// </summary>
internal sealed class AspectRateLimitLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
{
    public static readonly AspectRateLimitLease Acquired = new(true, null);

    private static readonly string[] NoMetadata = [];
    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? NoMetadata : RetryAfterOnly;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (retryAfter is { } after && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = after;
            return true;
        }

        metadata = null;
        return false;
    }
}
