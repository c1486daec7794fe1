using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// The Redis server shared by the tests of the <see cref="RedisCollection"/>: a rig-owned
/// <see cref="RedisServer"/>, or the existing server named by <see cref="EnvironmentVariable"/>.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    /// <summary>Set to a StackExchange.Redis connection string to test against an existing server.</summary>
    public const string EnvironmentVariable = "ASPECTS_TEST_REDIS";

    private RedisServer? _server;

    /// <summary>A StackExchange.Redis connection string for the server.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>
    /// Whether <see cref="StopServerAsync"/> and <see cref="StartServerAsync"/> work, i.e. the rig
    /// owns the server; an existing server named by <see cref="EnvironmentVariable"/> is never stopped.
    /// </summary>
    public bool CanRestart => _server is not null;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var existing = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(existing))
        {
            _server = await RedisServer.StartNewAsync();
            ConnectionString = _server.ConnectionString;
            return;
        }

        await EnsureReachableAsync(existing);
        ConnectionString = existing;
    }

    /// <summary>Kills the server; see <see cref="RedisServer.StopAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The rig does not own the server (<see cref="CanRestart"/> is false).
    /// </exception>
    public Task StopServerAsync(CancellationToken cancellationToken = default) =>
        OwnedServer.StopAsync(cancellationToken);

    /// <summary>Starts the stopped server on the same port; see <see cref="RedisServer.StartAsync"/>.</summary>
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

    private RedisServer OwnedServer => _server ?? throw new InvalidOperationException(
        $"Outage tests need a rig-owned Redis server, but {EnvironmentVariable} points the tests at an existing " +
        $"server, which the rig never stops. Unset {EnvironmentVariable} to run this test.");

    private static async Task EnsureReachableAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
        }
        catch (RedisException e)
        {
            // The connection string may carry a password, so the message does not repeat it.
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is set, but the Redis server it names did not answer: {e.Message}", e);
        }
    }
}
