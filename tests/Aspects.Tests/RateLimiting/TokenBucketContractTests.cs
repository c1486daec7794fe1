using Aspects.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Aspects.Tests.RateLimiting;

/// <summary>The <see cref="System.Threading.RateLimiting.RateLimiter"/> contract for the in-process bucket, on a fake clock.</summary>
public sealed class TokenBucketContractTests : RateLimiterContractTests
{
    private readonly FakeTimeProvider _time = new();

    protected override bool ClockIsControlled => true;

    protected override AspectRateLimiter Create(double permitsPerSecond, int burst) => new TokenBucket("contract", permitsPerSecond, burst, _time);

    protected override void Advance(TimeSpan duration) => _time.Advance(duration);
}
