using Aspects.PostgreSql;
using Npgsql;

namespace Aspects.Samples.Catalog.Data;

/// <summary>
/// The catalog in a real PostgreSQL table, <c>aspects_sample_catalog.products</c>, created and seeded on first use
/// (idempotently: running the sample again keeps the table and its prices).
/// </summary>
public sealed class PostgreSqlCatalogDatabase : ICatalogDatabase
{
    private const string Schema = "aspects_sample_catalog";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _server;

    private PostgreSqlCatalogDatabase(NpgsqlDataSource dataSource, string server)
    {
        _dataSource = dataSource;
        _server = server;
    }

    /// <inheritdoc />
    public string Description => $"PostgreSQL {_server}, table {Schema}.products";

    /// <summary>Builds the pooled data source, creates the table when missing and seeds the products.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    public static async Task<PostgreSqlCatalogDatabase> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var dataSource = PostgreSqlDataSourceFactory.Create(new AspectsPostgreSqlOptions
        {
            ConnectionString = connectionString,
            MaxPoolSize = 20,
            ApplicationName = "Aspects.Samples.Catalog",
        });
        try
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
                FROM generate_series(1, {ICatalogDatabase.ProductCount}) AS g
                ON CONFLICT (id) DO NOTHING;
                """);
            await command.ExecuteNonQueryAsync(cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return new PostgreSqlCatalogDatabase(dataSource, $"{builder.Host}:{builder.Port}/{builder.Database}");
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT sku, name, price FROM {Schema}.products WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Product(id, reader.GetString(0), reader.GetString(1), reader.GetDecimal(2))
            : null;
    }

    /// <inheritdoc />
    public async Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"UPDATE {Schema}.products SET price = $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = price });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<int, int>> GetStockAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT id, stock FROM {Schema}.products WHERE id = ANY(@ids)");
        command.Parameters.Add(new NpgsqlParameter<int[]>("ids", [.. ids]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var stock = new Dictionary<int, int>(ids.Count);
        while (await reader.ReadAsync(cancellationToken))
        {
            stock[reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return stock;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
