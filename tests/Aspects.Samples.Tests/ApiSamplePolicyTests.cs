using System.Net;

namespace Aspects.Samples.Tests;

/// <summary>
/// The API sample with its <c>appsettings.json</c> policies overridden on the command line: the attributes'
/// <c>Policy</c> names bind to <c>Aspects:{Section}:{name}</c>, and a bad value stops the start-up naming its key.
/// </summary>
public sealed class ApiSamplePolicyTests(ApiSamplePolicyTests.NearlyClosedQuotaSample sample) : IClassFixture<ApiSamplePolicyTests.NearlyClosedQuotaSample>
{
    [Fact]
    public async Task The_rate_limit_policy_from_configuration_replaces_the_attributes_burst()
    {
        // The attribute says burst 5 at 2/s; the policy says burst 3 at one permit per 1000 s, so exactly 3 get through.
        var responses = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => sample.Client.GetAsync($"/quotes/SKU-P{i}")));
        try
        {
            var codes = responses.Select(r => (int)r.StatusCode).ToList();
            Assert.True(codes.Count(c => c == 200) == 3, $"Expected 3 × 200 (policy burst 3), got {string.Join(", ", codes)}. Output:\n{sample.Output}");
            Assert.True(codes.Count(c => c == 429) == 7, $"Expected 7 × 429, got {string.Join(", ", codes)}");
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_bad_policy_value_stops_the_start_up_with_a_message_naming_the_key()
    {
        await using var process = SampleProcess.Start(
            "ApiSample", "--urls", "http://127.0.0.1:0", "--Aspects:Retry:database:MaxAttempts=0");

        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(process.ExitCode != 0, $"The sample started with MaxAttempts = 0. Output:\n{process.Output}");
        Assert.Contains("Aspects:Retry:database:MaxAttempts", process.Output, StringComparison.Ordinal);
    }

    /// <summary>The sample with the pricing API's policy nearly closed: burst 3, one permit per 1000 s.</summary>
    public sealed class NearlyClosedQuotaSample : ApiSampleFixture
    {
        /// <inheritdoc />
        protected override string[] ExtraArguments =>
        [
            "--Aspects:RateLimits:pricing-api:Burst=3",
            "--Aspects:RateLimits:pricing-api:PermitsPerSecond=0.001",
        ];
    }
}
