using System.Globalization;
using Aspects;
using Aspects.Hosting;
using Aspects.Samples.Api;
using Aspects.Samples.Api.Data;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

// A minimal API over a product catalog, with every aspect wired through AddAspects. Listens on 127.0.0.1 only:
// http://127.0.0.1:5080 unless --urls or ASPNETCORE_URLS say otherwise. Optional servers:
// ConnectionStrings:Redis and ConnectionStrings:Postgres (appsettings.json, or e.g. ConnectionStrings__Redis=localhost:6379).
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(LoopbackUrls(builder.Configuration["urls"]));

var redis = builder.Configuration.GetConnectionString("Redis");
var postgres = builder.Configuration.GetConnectionString("Postgres");
builder.Services.AddAspects(aspects =>
{
    // Named policies from appsettings.json ("Aspects" section), read by [Cached(Policy = "products")] etc.; reloaded on change.
    aspects.UseConfiguration(builder.Configuration.GetSection("Aspects"));
    if (!string.IsNullOrWhiteSpace(redis))
    {
        aspects.UseRedis(redis);
    }

    if (!string.IsNullOrWhiteSpace(postgres))
    {
        aspects.UsePostgreSql(postgres, pool => pool.ApplicationName = "Aspects.Samples.Api");
    }
});
builder.Services.AddSingleton<StoreCounters>();
builder.Services.AddSingleton<PricingApi>();
builder.Services.AddSingleton<ProductService>();
if (string.IsNullOrWhiteSpace(postgres))
{
    builder.Services.AddSingleton<IProductStore, InMemoryProductStore>();
}
else
{
    builder.Services.AddSingleton<PostgreSqlProductStore>();
    builder.Services.AddSingleton<IProductStore>(services => services.GetRequiredService<PostgreSqlProductStore>());
}

builder.Services.AddProblemDetails();
var app = builder.Build();
if (app.Services.GetService<PostgreSqlProductStore>() is { } postgresStore)
{
    await postgresStore.EnsureCreatedAsync(app.Lifetime.ApplicationStopping);
}

// [RateLimited] in Reject mode throws RateLimitRejectedException: HTTP 429 with Retry-After.
app.Use(async (context, next) =>
{
    try
    {
        await next(context);
    }
    catch (RateLimitRejectedException rejected) when (!context.Response.HasStarted)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((rejected.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(rejected.Message, statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
    }
});

app.MapGet("/health", () => "ok");

app.MapGet("/products/{id:int}", async (int id, ProductService products, CancellationToken cancellationToken) =>
    await products.GetProductAsync(id, cancellationToken) is { } product ? Results.Ok(product) : Results.NotFound());

app.MapPut("/products/{id:int}/price", async (int id, PriceChange change, ProductService products, CancellationToken cancellationToken) =>
{
    if (change.Price <= 0)
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["price"] = ["must be positive"] });
    }

    if (await products.GetProductAsync(id, cancellationToken) is null)
    {
        return Results.NotFound();
    }

    await products.SetPriceAsync(id, change.Price, cancellationToken);
    return Results.NoContent();
});

app.MapGet("/stock/{id:int}", async (int id, ProductService products, CancellationToken cancellationToken) =>
    new StockLevel(id, await products.GetStockAsync(id, cancellationToken)));

// A page of products: one call per id, all at once; [Batched] turns them into one query.
app.MapGet("/stock", async ([FromQuery] int[] ids, ProductService products, CancellationToken cancellationToken) =>
{
    var levels = new Task<int>[ids.Length];
    for (var i = 0; i < ids.Length; i++)
    {
        levels[i] = products.GetStockAsync(ids[i], cancellationToken);
    }

    await Task.WhenAll(levels);
    return ids.Select((id, i) => new StockLevel(id, levels[i].Result));
});

app.MapGet("/quotes/{sku}", async (string sku, ProductService products, CancellationToken cancellationToken) =>
    new Quote(sku, await products.GetQuoteAsync(sku, cancellationToken)));

// A limit per client: the X-Client-Id header selects the bucket ([RateLimitPartition]); 429 + Retry-After are that client's.
app.MapGet("/client-quotes/{sku}", async (string sku, [FromHeader(Name = "X-Client-Id")] string clientId, ProductService products, CancellationToken cancellationToken) =>
    new Quote(sku, await products.GetClientQuoteAsync(sku, clientId, cancellationToken)));

app.MapGet("/stats", (StoreCounters counters) => counters);

app.Run();

// Only loopback addresses: the sample is not meant to be reachable from the network.
static string[] LoopbackUrls(string? configured)
{
    if (string.IsNullOrWhiteSpace(configured))
    {
        return ["http://127.0.0.1:5080"];
    }

    var urls = configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    foreach (var url in urls)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.IsLoopback || uri.Host is "localhost"))
        {
            throw new InvalidOperationException(
                $"urls (--urls / ASPNETCORE_URLS) must name loopback addresses only, e.g. http://127.0.0.1:5080; got '{url}'.");
        }
    }

    return urls;
}

/// <summary>The body of <c>PUT /products/{id}/price</c>.</summary>
/// <param name="Price">The new price, positive.</param>
internal sealed record PriceChange(decimal Price);

/// <summary>The stock of one product.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="Stock">Units in stock; 0 for unknown products.</param>
internal sealed record StockLevel(int ProductId, int Stock);

/// <summary>A price quote.</summary>
/// <param name="Sku">The product's SKU.</param>
/// <param name="Price">The quoted price.</param>
internal sealed record Quote(string Sku, decimal Price);
