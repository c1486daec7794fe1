using Xunit;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// A server shared by the tests of one collection: a rig-owned <typeparamref name="TServer"/>, or the existing
/// server named by an environment variable, which the rig never stops.
/// </summary>
/// <typeparam name="TServer">The kind of server the rig starts itself.</typeparam>
/// <param name="product">The server's name in messages, e.g. <c>Redis</c>.</param>
/// <param name="environmentVariable">The variable that points the tests at an existing server.</param>
public abstract class ServerFixture<TServer>(string product, string environmentVariable) : IAsyncLifetime
    where TServer : class, IRigServer
{
    private TServer? _server;

    /// <summary>The client connection string for the server.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>
    /// Whether <see cref="StopServerAsync"/> and <see cref="StartServerAsync"/> work, i.e. the rig owns the
    /// server; an existing server named by the environment variable is never stopped.
    /// </summary>
    public bool CanRestart => _server is not null;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var existing = Environment.GetEnvironmentVariable(environmentVariable);
        if (string.IsNullOrWhiteSpace(existing))
        {
            _server = await StartNewServerAsync();
            ConnectionString = _server.ConnectionString;
            OnOwnedServerStarted(_server);
            return;
        }

        try
        {
            await InspectExistingServerAsync(existing);
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            // The connection string may carry a password, so the message does not repeat it.
            throw new InvalidOperationException(
                $"{environmentVariable} is set, but the {product} server it names did not answer: {e.Message}", e);
        }

        ConnectionString = existing;
    }

    /// <summary>Stops the rig-owned server; see <see cref="IRigServer.StopAsync"/>.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes once the server is down.</returns>
    /// <exception cref="InvalidOperationException">The rig does not own the server (<see cref="CanRestart"/> is false).</exception>
    public Task StopServerAsync(CancellationToken cancellationToken = default) => OwnedServer.StopAsync(cancellationToken);

    /// <summary>Starts the stopped server on the same port; see <see cref="IRigServer.StartAsync"/>.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes once the server answers.</returns>
    /// <exception cref="InvalidOperationException">The rig does not own the server (<see cref="CanRestart"/> is false).</exception>
    public Task StartServerAsync(CancellationToken cancellationToken = default) => OwnedServer.StartAsync(cancellationToken);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Starts a new rig-owned server and waits until it answers.</summary>
    /// <returns>The running server.</returns>
    protected abstract Task<TServer> StartNewServerAsync();

    /// <summary>Proves the existing server answers (and reads what the tests need from it); throws when it does not.</summary>
    /// <param name="connectionString">The connection string from the environment variable.</param>
    /// <returns>A task that completes once the server answered.</returns>
    protected abstract Task InspectExistingServerAsync(string connectionString);

    /// <summary>Reads what the tests need from a server the rig just started.</summary>
    /// <param name="server">The running server.</param>
    protected virtual void OnOwnedServerStarted(TServer server)
    {
    }

    private TServer OwnedServer => _server ?? throw new InvalidOperationException(
        $"Outage tests need a rig-owned {product} server, but {environmentVariable} points the tests at an existing " +
        $"server, which the rig never stops. Unset {environmentVariable} to run this test.");
}
