using System.Globalization;
using Npgsql;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// A throwaway PostgreSQL cluster in a temporary directory, created with <c>initdb</c> and run
/// with <c>pg_ctl</c> on a free loopback port, with durability switched off for speed.
/// </summary>
/// <remarks>
/// As root the server runs as the <c>postgres</c> OS user, because PostgreSQL refuses to run as
/// root. <see cref="StopAsync"/> and <see cref="StartAsync"/> keep the port and data directory, so
/// clients holding <see cref="ConnectionString"/> can observe an outage and a recovery.
/// </remarks>
public sealed class PostgreSqlServer : IRigServer
{
    private const int PgCtlWaitSeconds = 30;
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(PgCtlWaitSeconds + 15);
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ChownTimeout = TimeSpan.FromSeconds(10);

    private readonly PostgreSqlInstallation _installation;
    private readonly string _rootDirectory;
    private readonly string _dataDirectory;
    private readonly string _socketDirectory;
    private readonly string _logFile;
    private readonly IDisposable _exitCleanup;
    private bool _running;
    private bool _disposed;

    private PostgreSqlServer(PostgreSqlInstallation installation)
    {
        _installation = installation;
        Port = FreePort.Find();
        _rootDirectory = Directory.CreateTempSubdirectory("aspects-pg-").FullName;
        _dataDirectory = Path.Combine(_rootDirectory, "data");
        _socketDirectory = Directory.CreateDirectory(Path.Combine(_rootDirectory, "sockets")).FullName;
        _logFile = Path.Combine(_rootDirectory, "postgresql.log");
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;
        _exitCleanup = ProcessExitCleanup.Register(StopImmediatelyAndDeleteNow);
    }

    /// <summary>The loopback port the server listens on, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string for the <c>postgres</c> superuser and database (trust auth).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Whether <c>pg_stat_statements</c> is in <c>shared_preload_libraries</c>, which happens
    /// only when the installation ships the extension library.
    /// </summary>
    public bool PgStatStatementsPreloaded => _installation.HasPgStatStatements;

    private static bool RunningAsRoot => Environment.IsPrivilegedProcess;

    private static string WaitSeconds => PgCtlWaitSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>Creates a new cluster, starts it and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">
    /// The binaries are missing, or creating or starting the cluster failed.
    /// </exception>
    /// <exception cref="TimeoutException">The server did not accept connections in time.</exception>
    public static async Task<PostgreSqlServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var installation = await PostgreSqlInstallation.LocateAsync(cancellationToken);
        var server = new PostgreSqlServer(installation);
        try
        {
            await server.CreateClusterAsync(cancellationToken);
            await server.StartAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Starts the stopped server again on the same port and data directory, and waits until it
    /// accepts connections.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is already running, or <c>pg_ctl start</c> failed.</exception>
    /// <exception cref="TimeoutException">The server did not accept connections in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_running)
        {
            throw new InvalidOperationException($"The PostgreSQL server on port {Port} is already running.");
        }

        var options = string.Join(' ', ServerOptions());
        // Set before pg_ctl runs: a start that fails or times out may still leave a postmaster
        // behind, and disposal or exit cleanup must then stop it.
        _running = true;
        try
        {
            await RunToolAsync(
                "pg_ctl",
                ["-D", _dataDirectory, "-l", _logFile, "-o", options, "-w", "-t", WaitSeconds, "start"],
                PgCtlTimeout,
                cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await AbandonStartAsync();
            throw new InvalidOperationException(
                $"PostgreSQL on port {Port} failed to start: {e.Message}\nServer log tail:\n{LogTail()}", e);
        }

        var probeConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            Pooling = false,
            Timeout = 2,
        }.ConnectionString;
        try
        {
            await Readiness.WaitAsync(
                $"PostgreSQL on port {Port}",
                ReadinessTimeout,
                async token =>
                {
                    await using var connection = new NpgsqlConnection(probeConnectionString);
                    await connection.OpenAsync(token);
                },
                LogTail,
                serverExit: null,
                cancellationToken);
        }
        catch
        {
            await AbandonStartAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops the server with <c>pg_ctl stop -m fast</c>: sessions are disconnected and new
    /// connections are refused until <see cref="StartAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is not running, or <c>pg_ctl stop</c> failed.</exception>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_running)
        {
            throw new InvalidOperationException($"The PostgreSQL server on port {Port} is not running.");
        }

        return PgCtlStopAsync("fast", cancellationToken);
    }

    /// <summary>Stops the server if it is running and deletes the cluster directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _exitCleanup.Dispose();
        try
        {
            if (_running)
            {
                // The cluster is thrown away, so there is nothing worth a clean shutdown.
                await PgCtlStopAsync("immediate", CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(_rootDirectory, recursive: true);
        }
    }

    private IEnumerable<string> ServerOptions()
    {
        // pg_ctl hands these to postgres through a shell, hence the quoting of paths.
        yield return $"-p {Port.ToString(CultureInfo.InvariantCulture)}";
        yield return $"-k '{_socketDirectory}'";
        yield return "-c listen_addresses=127.0.0.1";
        yield return "-c fsync=off";
        yield return "-c synchronous_commit=off";
        yield return "-c full_page_writes=off";
        if (PgStatStatementsPreloaded)
        {
            yield return "-c shared_preload_libraries=pg_stat_statements";
        }
    }

    private async Task CreateClusterAsync(CancellationToken cancellationToken)
    {
        if (RunningAsRoot)
        {
            try
            {
                await ExternalCommand.RunAsync(
                    "chown", ["-R", "postgres:", _rootDirectory], _rootDirectory, ChownTimeout, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(
                    "Running as root, the rig runs PostgreSQL as the 'postgres' OS user, but could not give that " +
                    $"user the cluster directory (does the user exist?): {e.Message}", e);
            }
        }

        await RunToolAsync(
            "initdb",
            ["-D", _dataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "--no-locale", "--encoding=UTF8"],
            InitDbTimeout,
            cancellationToken);
    }

    private async Task PgCtlStopAsync(string mode, CancellationToken cancellationToken)
    {
        await RunToolAsync(
            "pg_ctl",
            ["-D", _dataDirectory, "-m", mode, "-w", "-t", WaitSeconds, "stop"],
            PgCtlTimeout,
            cancellationToken);
        _running = false;
    }

    private async Task AbandonStartAsync()
    {
        try
        {
            await PgCtlStopAsync("immediate", CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // The server may never have come up, so stopping it can fail; the start failure
            // is the one worth reporting.
        }

        _running = false;
    }

    private Task<string> RunToolAsync(
        string tool, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_installation.BinDirectory, tool);
        return RunningAsRoot
            ? ExternalCommand.RunAsync(
                "runuser", ["-u", "postgres", "--", path, .. arguments], _rootDirectory, timeout, cancellationToken)
            : ExternalCommand.RunAsync(path, arguments, _rootDirectory, timeout, cancellationToken);
    }

    private string LogTail() =>
        File.Exists(_logFile)
            ? string.Join('\n', File.ReadLines(_logFile).TakeLast(50))
            : $"(no server log at {_logFile})";

    private void StopImmediatelyAndDeleteNow()
    {
        if (_running)
        {
            PgCtlStopAsync("immediate", CancellationToken.None).GetAwaiter().GetResult();
        }

        Directory.Delete(_rootDirectory, recursive: true);
    }
}
