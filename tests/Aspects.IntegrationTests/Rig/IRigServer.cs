namespace Aspects.IntegrationTests.Rig;

/// <summary>A throwaway server the rig started and owns: it can be stopped and started again on the same port.</summary>
public interface IRigServer : IAsyncDisposable
{
    /// <summary>The client connection string for the server.</summary>
    string ConnectionString { get; }

    /// <summary>Stops the server, keeping its port and data directory.</summary>
    /// <param name="cancellationToken">Ends the wait for the server to stop.</param>
    /// <returns>A task that completes once the server is down.</returns>
    Task StopAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts the stopped server again on the same port and waits until it answers.</summary>
    /// <param name="cancellationToken">Ends the wait for the server to answer.</param>
    /// <returns>A task that completes once the server answers.</returns>
    Task StartAsync(CancellationToken cancellationToken = default);
}
