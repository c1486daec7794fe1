using Npgsql;
using Xunit;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// The PostgreSQL server shared by the tests of the <see cref="PostgreSqlCollection"/>: a rig-owned
/// <see cref="PostgreSqlServer"/>, or the existing server named by <see cref="EnvironmentVariable"/>.
/// </summary>
public sealed class PostgreSqlFixture : IAsyncLifetime
{
    /// <summary>Set to an Npgsql connection string to test against an existing server.</summary>
    public const string EnvironmentVariable = "ASPECTS_TEST_POSTGRES";

    private PostgreSqlServer? _server;

    /// <summary>An Npgsql connection string for the server.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>
    /// Whether <see cref="StopServerAsync"/> and <see cref="StartServerAsync"/> work, i.e. the rig
    /// owns the server; an existing server named by <see cref="EnvironmentVariable"/> is never stopped.
    /// </summary>
    public bool CanRestart => _server is not null;

    /// <summary>Whether the server has <c>pg_stat_statements</c> in <c>shared_preload_libraries</c>.</summary>
    public bool PgStatStatementsAvailable { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var existing = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(existing))
        {
            _server = await PostgreSqlServer.StartNewAsync();
            ConnectionString = _server.ConnectionString;
            PgStatStatementsAvailable = _server.PgStatStatementsPreloaded;
            return;
        }

        ConnectionString = existing;
        PgStatStatementsAvailable = await QueryPgStatStatementsPreloadedAsync(existing);
    }

    /// <summary>Stops the server; see <see cref="PostgreSqlServer.StopAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The rig does not own the server (<see cref="CanRestart"/> is false).
    /// </exception>
    public Task StopServerAsync(CancellationToken cancellationToken = default) =>
        OwnedServer.StopAsync(cancellationToken);

    /// <summary>Starts the stopped server on the same port; see <see cref="PostgreSqlServer.StartAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The rig does not own the server (<see cref="CanRestart"/> is false).
    /// </exception>
    public Task StartServerAsync(CancellationToken cancellationToken = default) =>
        OwnedServer.StartAsync(cancellationToken);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private PostgreSqlServer OwnedServer => _server ?? throw new InvalidOperationException(
        $"Outage tests need a rig-owned PostgreSQL server, but {EnvironmentVariable} points the tests at an existing " +
        $"server, which the rig never stops. Unset {EnvironmentVariable} to run this test.");

    // Also proves the server is reachable, so a wrong connection string fails here, once, clearly.
    private static async Task<bool> QueryPgStatStatementsPreloadedAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_setting('shared_preload_libraries')", connection);
            var libraries = (string?)await command.ExecuteScalarAsync() ?? string.Empty;
            return libraries.Split(',', StringSplitOptions.TrimEntries).Contains("pg_stat_statements");
        }
        catch (NpgsqlException e)
        {
            // The connection string may carry a password, so the message does not repeat it.
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is set, but the PostgreSQL server it names did not answer: {e.Message}", e);
        }
    }
}
