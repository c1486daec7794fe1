using Aspects.Batching;
using Aspects.IntegrationTests.Rig;
using Aspects.PostgreSql;
using Npgsql;
using Xunit;

namespace Aspects.IntegrationTests.PostgreSql;

/// <summary>A micro-batcher in front of a real table: many single-row reads become a few ANY(@ids) queries.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class BatchedProductStockTests(PostgreSqlFixture postgres) : IAsyncLifetime
{
    private const int Products = 10_000;
    private const int MaxBatchSize = 100;

    private readonly string _table = $"products_{Guid.NewGuid():N}";
    private NpgsqlDataSource _dataSource = null!;
    private int _queries;

    public async Task InitializeAsync()
    {
        _dataSource = PostgreSqlDataSourceFactory.Create(new AspectsPostgreSqlOptions
        {
            ConnectionString = postgres.ConnectionString,
            ApplicationName = "aspects-it-batching",
            MaxPoolSize = 20,
        });
        await using var create = _dataSource.CreateCommand(
            $"CREATE TABLE {_table} (id int PRIMARY KEY, stock int NOT NULL); " +
            $"INSERT INTO {_table} SELECT i, (i * 7) % 1000 FROM generate_series(1, {Products}) AS i");
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await using (var drop = _dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table}"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _dataSource.DisposeAsync();
    }

    private async Task<IReadOnlyDictionary<int, int>> LoadStockAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        await using var command = _dataSource.CreateCommand($"SELECT id, stock FROM {_table} WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var stock = new Dictionary<int, int>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stock[reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return stock;
    }

    [Fact]
    public async Task Ten_thousand_concurrent_reads_are_served_correctly_by_about_a_hundred_queries()
    {
        var batcher = new MicroBatcher<int, int>(
            "Aspects.IntegrationTests.Products.GetStock",
            LoadStockAsync,
            // A generous delay: a batch fills by size long before it, so preemption on a busy machine rarely splits one.
            new MicroBatcherOptions { MaxBatchSize = MaxBatchSize, MaxDelay = TimeSpan.FromMilliseconds(20) },
            TimeProvider.System);
        var statementsBefore = await StatementCallsAsync();

        // Plus one id that does not exist: a missing key yields default, not an error.
        var calls = new Task<int>[Products + 1];
        for (var id = 1; id <= Products + 1; id++)
        {
            calls[id - 1] = batcher.GetAsync(id, CancellationToken.None);
        }

        var stock = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        for (var id = 1; id <= Products; id++)
        {
            Assert.Equal((id * 7) % 1000, stock[id - 1]);
        }

        Assert.Equal(0, stock[Products]);
        var minimum = (Products + 1 + MaxBatchSize - 1) / MaxBatchSize;
        Assert.InRange(_queries, minimum, minimum + 10);
        if (statementsBefore is { } before)
        {
            Assert.Equal(_queries, await StatementCallsAsync() - before);
        }
    }

    // The server's own count of the batch query when pg_stat_statements is loaded, as a cross-check of the
    // counting wrapper; null when the server cannot tell.
    private async Task<long?> StatementCallsAsync()
    {
        if (!postgres.PgStatStatementsAvailable)
        {
            return null;
        }

        await using (var extension = _dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
        {
            await extension.ExecuteNonQueryAsync();
        }

        await using var command = _dataSource.CreateCommand(
            "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE query LIKE $1 AND query LIKE '%ANY%'");
        command.Parameters.Add(new NpgsqlParameter { Value = $"SELECT id, stock FROM {_table}%" });
        return (long?)await command.ExecuteScalarAsync();
    }
}
