using Aspects.IntegrationTests.Rig;
using Aspects.PostgreSql;
using Npgsql;
using Xunit;

namespace Aspects.IntegrationTests.PostgreSql;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlPoolingTests(PostgreSqlFixture postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Data_source_built_from_options_applies_application_name_command_timeout_and_pool_size()
    {
        var applicationName = $"aspects-it-{Guid.NewGuid():N}"[..32];
        await using var dataSource = PostgreSqlDataSourceFactory.Create(new AspectsPostgreSqlOptions
        {
            // Timeout (the wait for a pooled connection) is short so the exhausted pool shows quickly.
            ConnectionString = postgres.ConnectionString + ";Timeout=1",
            ApplicationName = applicationName,
            MaxPoolSize = 2,
            CommandTimeout = TimeSpan.FromSeconds(7),
        });

        await using var first = await dataSource.OpenConnectionAsync();
        await using var second = await dataSource.OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", first)
        {
            Parameters = { new NpgsqlParameter { Value = applicationName } },
        };

        Assert.Equal(2L, (long?)await count.ExecuteScalarAsync());
        Assert.Equal(7, count.CommandTimeout);
        var exhausted = await Assert.ThrowsAnyAsync<Exception>(() => dataSource.OpenConnectionAsync().AsTask().WaitAsync(Bound));
        Assert.Contains("pool", exhausted.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Error_Npgsql_raises_while_the_server_is_stopped_is_transient()
    {
        Assert.True(
            postgres.CanRestart,
            $"This test stops the server, so it needs a rig-owned one; unset {PostgreSqlFixture.EnvironmentVariable}.");
        await using var dataSource = PostgreSqlDataSourceFactory.Create(new AspectsPostgreSqlOptions
        {
            ConnectionString = postgres.ConnectionString,
            ApplicationName = "aspects-it-outage",
        });
        await using (var warm = dataSource.CreateCommand("SELECT 1"))
        {
            await warm.ExecuteScalarAsync();
        }

        var runtime = new AspectRuntime(new AspectRuntimeOptions().AddPostgreSqlTransientErrors());
        await postgres.StopServerAsync();
        try
        {
            // The pooled connection is dead now: either using it or opening a new one fails.
            await using var command = dataSource.CreateCommand("SELECT 1");
            var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => command.ExecuteScalarAsync().WaitAsync(Bound));

            Assert.True(PostgreSqlTransientExceptions.IsTransient(failure), $"Not classified as transient: {failure}");
            Assert.True(runtime.IsTransient(failure), "The runtime extended with PostgreSQL errors must retry it.");

            // A fresh connection attempt against the stopped server fails too, and is transient as well.
            var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => dataSource.OpenConnectionAsync().AsTask().WaitAsync(Bound));
            Assert.True(PostgreSqlTransientExceptions.IsTransient(refused), $"Not classified as transient: {refused}");
        }
        finally
        {
            await postgres.StartServerAsync();
        }
    }
}
