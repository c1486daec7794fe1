using Npgsql;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// The PostgreSQL server shared by the tests of the <see cref="PostgreSqlCollection"/>: a rig-owned
/// <see cref="PostgreSqlServer"/>, or the existing server named by <see cref="EnvironmentVariable"/>.
/// </summary>
public sealed class PostgreSqlFixture() : ServerFixture<PostgreSqlServer>("PostgreSQL", EnvironmentVariable)
{
    /// <summary>Set to an Npgsql connection string to test against an existing server.</summary>
    public const string EnvironmentVariable = "ASPECTS_TEST_POSTGRES";

    /// <summary>Whether the server has <c>pg_stat_statements</c> in <c>shared_preload_libraries</c>.</summary>
    public bool PgStatStatementsAvailable { get; private set; }

    /// <inheritdoc />
    protected override Task<PostgreSqlServer> StartNewServerAsync() => PostgreSqlServer.StartNewAsync();

    /// <inheritdoc />
    protected override void OnOwnedServerStarted(PostgreSqlServer server) =>
        PgStatStatementsAvailable = server.PgStatStatementsPreloaded;

    /// <inheritdoc />
    protected override async Task InspectExistingServerAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('shared_preload_libraries')", connection);
        var libraries = (string?)await command.ExecuteScalarAsync() ?? string.Empty;
        PgStatStatementsAvailable = libraries.Split(',', StringSplitOptions.TrimEntries).Contains("pg_stat_statements");
    }
}
