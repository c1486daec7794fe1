using Aspects.Generators.Emitting;
using Aspects.Generators.Model;

namespace Aspects.Generators.Tests;

/// <summary>The comment over a [RateLimited] permit, for a call attempt and for a batch attempt.</summary>
public class RateLimitDescribeTests
{
    [Fact]
    public void A_call_permit_and_a_batch_permit_differ_only_in_what_pays_it()
    {
        var plain = new RateLimitModel("pricing-api", 2.5, 0, "Wait", 30_000, "Local");
        var bound = new RateLimitModel("Every attempt", 5, 2, "Reject", 0, "Distributed", Policy: "pricing");

        Assert.Equal(
            "// [RateLimited] bucket \"pricing-api\": 2.5 permits/s, burst 3, local; waits up to 30000 ms when empty. Every attempt pays a permit.",
            RateLimitEmitter.Describe(plain));
        Assert.Equal(
            "// [RateLimited] bucket \"pricing-api\": 2.5 permits/s, burst 3, local; waits up to 30000 ms when empty. Every batch attempt pays a permit.",
            RateLimitEmitter.Describe(plain, wholeBatch: true));

        // A bucket named like the sentence keeps its name: only the sentence changes.
        Assert.Equal(
            "// [RateLimited] bucket \"Every attempt\", distributed, policy \"pricing\" (defaults: 5 permits/s, burst 2; rejects at once when empty). Every batch attempt pays a permit.",
            RateLimitEmitter.Describe(bound, wholeBatch: true));
    }
}
