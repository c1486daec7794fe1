using System.Net;
using System.Net.Http.Json;

namespace Aspects.Samples.Tests;

/// <summary>Calls the API sample over HTTP, as a user would, and checks what each aspect did through <c>GET /stats</c>.</summary>
public sealed class ApiSampleTests(ApiSampleFixture sample) : IClassFixture<ApiSampleFixture>
{
    private HttpClient Client => sample.Client;

    [Fact]
    public async Task Second_product_read_is_served_from_the_cache_after_the_first_was_retried()
    {
        var before = await StatsAsync();

        var first = await ProductAsync(21);
        var second = await ProductAsync(21);

        var after = await StatsAsync();
        Assert.Equal(new Product(21, "SKU-0021", "Product 21", 26m), first);
        Assert.Equal(first, second);
        // The embedded store times out on the first query of each product; [Retry] asked again.
        Assert.True(after.ProductLoadAttempts - before.ProductLoadAttempts == 2, Explain("two attempts for the first read", before, after));
        Assert.True(after.ProductLoads - before.ProductLoads == 1, Explain("one load for both reads: the second came from the cache", before, after));
    }

    [Fact]
    public async Task Price_update_evicts_the_cached_product()
    {
        Assert.Equal(27m, (await ProductAsync(22)).Price);
        var before = await StatsAsync();

        using var update = await Client.PutAsJsonAsync("/products/22/price", new { price = 42.5m });

        Assert.True(update.StatusCode == HttpStatusCode.NoContent, $"PUT answered {(int)update.StatusCode}. Output:\n{sample.Output}");
        Assert.Equal(42.5m, (await ProductAsync(22)).Price);
        var after = await StatsAsync();
        Assert.True(after.PriceUpdates - before.PriceUpdates == 1, Explain("one price update", before, after));
        Assert.True(after.ProductLoads - before.ProductLoads == 1, Explain("a fresh load after the eviction", before, after));
    }

    [Fact]
    public async Task Unknown_product_is_not_found()
    {
        using var response = await Client.GetAsync("/products/9999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stock_reads_of_a_page_share_batch_queries()
    {
        var ids = Enumerable.Range(101, 30).ToArray();
        var before = await StatsAsync();

        var levels = await Client.GetFromJsonAsync<StockLevel[]>("/stock?" + string.Join('&', ids.Select(id => $"ids={id}")));

        var after = await StatsAsync();
        Assert.Equal(ids.Select(id => new StockLevel(id, id * 7 % 50)), levels);
        Assert.True(after.StockIds - before.StockIds == ids.Length, Explain("every id asked for once", before, after));
        var queries = after.StockQueries - before.StockQueries;
        Assert.True(queries >= 1 && queries < ids.Length, Explain($"fewer queries than the {ids.Length} calls", before, after));
    }

    [Fact]
    public async Task Single_stock_reads_answer_each_product()
    {
        var ids = Enumerable.Range(201, 10).ToArray();

        var levels = await Task.WhenAll(ids.Select(id => Client.GetFromJsonAsync<StockLevel>($"/stock/{id}")));

        Assert.Equal(ids.Select(id => new StockLevel(id, id * 7 % 50)), levels);
    }

    [Fact]
    public async Task Quotes_beyond_the_limit_get_429_with_Retry_After()
    {
        // 2 permits a second, bursts of 5: 30 requests at once cannot all get one.
        var before = await StatsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => Client.GetAsync($"/quotes/SKU-{i}")));

        try
        {
            var after = await StatsAsync();
            var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
            var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.True(accepted + rejected.Count == responses.Length, $"Only 200 and 429 expected; got {string.Join(", ", responses.Select(r => (int)r.StatusCode))}");
            Assert.InRange(accepted, 1, responses.Length - 1);
            Assert.All(rejected, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {r.Headers.RetryAfter}"));
            Assert.True(after.QuoteCalls - before.QuoteCalls == accepted, Explain($"only the {accepted} accepted requests reached the pricing API", before, after));
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
    public async Task Each_client_has_its_own_quote_limit_with_its_own_Retry_After()
    {
        // 3 quotes per client, refilled at one every 20 s: the fourth request of a client is refused, another client's is not.
        var alice = "alice-" + Guid.NewGuid().ToString("N");
        var bob = "bob-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 3; i++)
        {
            using var accepted = await ClientQuoteAsync(alice);
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"Request {i + 1} of {alice} answered {(int)accepted.StatusCode}. Output:\n{sample.Output}");
        }

        using var refused = await ClientQuoteAsync(alice);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.DoesNotContain(alice, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var other = await ClientQuoteAsync(bob);
        Assert.True(other.StatusCode == HttpStatusCode.OK, $"{bob} answered {(int)other.StatusCode} after {alice} used up its quota.");
    }

    private Task<HttpResponseMessage> ClientQuoteAsync(string clientId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/client-quotes/SKU-C");
        request.Headers.Add("X-Client-Id", clientId);
        return Client.SendAsync(request);
    }

    private async Task<Product> ProductAsync(int id)
    {
        using var response = await Client.GetAsync($"/products/{id}");
        Assert.True(response.IsSuccessStatusCode, $"GET /products/{id} answered {(int)response.StatusCode}. Output:\n{sample.Output}");
        return (await response.Content.ReadFromJsonAsync<Product>())!;
    }

    private async Task<Stats> StatsAsync() => (await Client.GetFromJsonAsync<Stats>("/stats"))!;

    private static string Explain(string expected, Stats before, Stats after) => $"Expected {expected}; stats before: {before}, after: {after}";

    private sealed record Product(int Id, string Sku, string Name, decimal Price);

    private sealed record StockLevel(int ProductId, int Stock);

    private sealed record Stats(long ProductLoadAttempts, long ProductLoads, long PriceUpdates, long StockQueries, long StockIds, long QuoteCalls);
}
