using Npgsql;

namespace Aspects.Samples.Api.Data;

/// <summary>
/// The products in PostgreSQL, table <c>aspects_sample_api.products</c>, created and seeded idempotently at start-up.
/// Uses the one pooled <see cref="NpgsqlDataSource"/> that <c>UsePostgreSql</c> registered.
/// </summary>
public sealed class PostgreSqlProductStore(NpgsqlDataSource dataSource, StoreCounters counters) : IProductStore
{
    private const string Schema = "aspects_sample_api";

    /// <summary>Creates the table when missing and seeds the products that are not there yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE IF NOT EXISTS {Schema}.products (
                id    integer PRIMARY KEY,
                sku   text    NOT NULL,
                name  text    NOT NULL,
                price numeric(10, 2) NOT NULL,
                stock integer NOT NULL);
            INSERT INTO {Schema}.products (id, sku, name, price, stock)
            SELECT g, 'SKU-' || lpad(g::text, 4, '0'), 'Product ' || g, 5 + g % 40, g * 7 % 50
            FROM generate_series(1, {IProductStore.ProductCount}) AS g
            ON CONFLICT (id) DO NOTHING;
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken)
    {
        counters.ProductLoadStarted();
        await using var command = dataSource.CreateCommand($"SELECT sku, name, price FROM {Schema}.products WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var product = await reader.ReadAsync(cancellationToken)
            ? new Product(id, reader.GetString(0), reader.GetString(1), reader.GetDecimal(2))
            : null;
        counters.ProductLoaded();
        return product;
    }

    /// <inheritdoc />
    public async Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {Schema}.products SET price = $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = price });
        await command.ExecuteNonQueryAsync(cancellationToken);
        counters.PriceUpdated();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<int, int>> GetStockAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        counters.StockQueried(ids.Count);
        await using var command = dataSource.CreateCommand($"SELECT id, stock FROM {Schema}.products WHERE id = ANY(@ids)");
        command.Parameters.Add(new NpgsqlParameter<int[]>("ids", [.. ids]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var stock = new Dictionary<int, int>(ids.Count);
        while (await reader.ReadAsync(cancellationToken))
        {
            stock[reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return stock;
    }
}
