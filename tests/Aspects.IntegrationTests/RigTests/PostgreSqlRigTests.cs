using Aspects.IntegrationTests.Rig;
using Npgsql;
using Xunit;

namespace Aspects.IntegrationTests.RigTests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlRigTests(PostgreSqlFixture postgres)
{
    [Fact]
    public async Task PostgreSql_rig_server_accepts_writes_and_reads()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        var table = $"rig_test_{Guid.NewGuid():N}";
        var value = Guid.NewGuid().ToString("N");

        await using (var create = dataSource.CreateCommand($"CREATE TABLE {table} (id int PRIMARY KEY, value text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using (var insert = dataSource.CreateCommand($"INSERT INTO {table} (id, value) VALUES (1, $1)"))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
                Assert.Equal(1, await insert.ExecuteNonQueryAsync());
            }

            await using var select = dataSource.CreateCommand($"SELECT value FROM {table} WHERE id = 1");
            Assert.Equal(value, (string?)await select.ExecuteScalarAsync());
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"DROP TABLE {table}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task PostgreSql_rig_reports_whether_pg_stat_statements_is_preloaded()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT current_setting('shared_preload_libraries')");
        var libraries = (string?)await command.ExecuteScalarAsync() ?? string.Empty;

        Assert.Equal(postgres.PgStatStatementsAvailable, libraries.Contains("pg_stat_statements", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostgreSql_rig_server_can_be_stopped_and_restarted_on_the_same_port_and_data()
    {
        Assert.True(
            postgres.CanRestart,
            $"This test stops the server, so it needs a rig-owned one; unset {PostgreSqlFixture.EnvironmentVariable}.");
        // Without pooling every open is a new connection, so each one tests the server's state right then.
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString;
        var table = $"rig_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE TABLE {table} AS SELECT 42 AS answer", connection);
            await create.ExecuteNonQueryAsync();
        }

        await postgres.StopServerAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await Assert.ThrowsAsync<NpgsqlException>(() => connection.OpenAsync());
        }

        await postgres.StartServerAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand($"SELECT answer FROM {table}", connection);
            Assert.Equal(42, (int?)await select.ExecuteScalarAsync());
            await using var drop = new NpgsqlCommand($"DROP TABLE {table}", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
