using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// A throwaway <c>redis-server</c> child process on a free loopback port, with a temporary
/// working directory and persistence switched off.
/// </summary>
/// <remarks>
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> keep the port and directory, so clients
/// holding <see cref="ConnectionString"/> can observe an outage and a recovery.
/// </remarks>
public sealed class RedisServer : IRigServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _executable;
    private readonly string _directory;
    private readonly OutputTail _output = new(capacity: 100);
    private readonly IDisposable _exitCleanup;
    private Process? _process;
    private bool _disposed;

    private RedisServer(string executable)
    {
        _executable = executable;
        Port = FreePort.Find();
        _directory = Directory.CreateTempSubdirectory("aspects-redis-").FullName;
        _exitCleanup = ProcessExitCleanup.Register(KillAndDeleteNow);
    }

    /// <summary>The loopback port the server listens on, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for the server, e.g. <c>127.0.0.1:6380</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a new server and waits until it answers PING.</summary>
    /// <exception cref="InvalidOperationException">
    /// <c>redis-server</c> is not installed or exited during startup.
    /// </exception>
    /// <exception cref="TimeoutException">The server did not answer PING in time.</exception>
    public static async Task<RedisServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var executable = ExecutableLookup.FindOnPath("redis-server")
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH. Run scripts/install-test-servers.sh, " +
                "or set ASPECTS_TEST_REDIS to the connection string of an existing server.");
        var server = new RedisServer(executable);
        try
        {
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
    /// Starts the stopped server again on the same port and directory, and waits until it
    /// answers PING.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is already running or exited during startup.</exception>
    /// <exception cref="TimeoutException">The server did not answer PING in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_process is not null)
        {
            throw new InvalidOperationException($"The Redis server on port {Port} is already running.");
        }

        var startInfo = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
            ArgumentList =
            {
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--protected-mode", "no",
                "--dir", _directory,
                "--save", "",
                "--appendonly", "no",
            },
        };

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => _output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => _output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        try
        {
            await Readiness.WaitAsync(
                $"redis-server on port {Port}",
                StartTimeout,
                PingAsync,
                _output.ToString,
                process.WaitForExitAsync(CancellationToken.None),
                cancellationToken);
        }
        catch
        {
            await StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Kills the server abruptly, the way a crash looks to clients: open connections drop and
    /// new ones are refused until <see cref="StartAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var process = _process
            ?? throw new InvalidOperationException($"The Redis server on port {Port} is not running.");
        _process = null;
        using (process)
        {
            process.Kill(entireProcessTree: true);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(StopTimeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"redis-server on port {Port} did not exit within {StopTimeout.TotalSeconds:0} s of being killed.");
            }
        }
    }

    /// <summary>Kills the server if it is running and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _exitCleanup.Dispose();
        if (_process is not null)
        {
            await StopAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);

        var reply = new StringBuilder();
        var buffer = new byte[64];
        while (!reply.ToString().Contains('\n', StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("The connection closed before PING was answered.");
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // A server still loading its dataset answers "-LOADING ..." instead.
        if (!reply.ToString().StartsWith("+PONG", StringComparison.Ordinal))
        {
            throw new IOException($"PING was answered with '{reply.ToString().TrimEnd()}'.");
        }
    }

    private void KillAndDeleteNow()
    {
        if (_process is { } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(StopTimeout);
        }

        Directory.Delete(_directory, recursive: true);
    }
}
