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
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly string _directory;
    private readonly OutputTail _output = new(capacity: 100);
    private readonly IDisposable _exitCleanup;
    private Process? _process;
    private bool _disposed;

    private RedisServer(string executable, IReadOnlyList<string> extraArguments)
    {
        _executable = executable;
        _extraArguments = extraArguments;
        Port = FreePort.Find();
        _directory = Directory.CreateTempSubdirectory("aspects-redis-").FullName;
        _exitCleanup = ProcessExitCleanup.Register(KillAndDeleteNow);
    }

    /// <summary>The loopback port the server listens on, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for the server, e.g. <c>127.0.0.1:6380</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a new server and waits until it answers PING.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <param name="extraArguments">More <c>redis-server</c> arguments, e.g. <c>--cluster-enabled yes</c>; none by default.</param>
    /// <exception cref="InvalidOperationException">
    /// <c>redis-server</c> is not installed or exited during startup.
    /// </exception>
    /// <exception cref="TimeoutException">The server did not answer PING in time.</exception>
    public static async Task<RedisServer> StartNewAsync(CancellationToken cancellationToken = default, IReadOnlyList<string>? extraArguments = null)
    {
        var executable = ExecutableLookup.FindOnPath("redis-server")
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH. Run scripts/install-test-servers.sh, " +
                "or set ASPECTS_TEST_REDIS to the connection string of an existing server.");
        var server = new RedisServer(executable, extraArguments ?? []);
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
        foreach (var argument in _extraArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

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

    /// <summary>
    /// Sends one command over a fresh connection and returns its reply: the text of a simple or bulk string reply.
    /// Needs no client library, so it also works on a cluster node before its cluster is formed.
    /// </summary>
    /// <param name="arguments">The command and its arguments, e.g. <c>CLUSTER</c>, <c>INFO</c>.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The reply's text.</returns>
    /// <exception cref="IOException">The connection closed early, or the reply is an error or of another kind.</exception>
    public async Task<string> CommandAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(arguments.Count).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);

        var reply = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The connection closed before '{string.Join(' ', arguments)}' was answered.");
            }

            reply.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.UTF8.GetString([.. reply]);
            var firstLineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (firstLineEnd < 0)
            {
                continue;
            }

            // "+OK", "-ERR …" or "$<length>" followed by the data.
            switch (text[0])
            {
                case '+':
                    return text[1..firstLineEnd];
                case '$':
                    var length = int.Parse(text.AsSpan(1, firstLineEnd - 1), CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return string.Empty;
                    }

                    if (reply.Count >= firstLineEnd + 2 + length + 2)
                    {
                        return Encoding.UTF8.GetString([.. reply], firstLineEnd + 2, length);
                    }

                    continue;
                default:
                    // A server still loading its dataset answers "-LOADING ...".
                    throw new IOException($"'{string.Join(' ', arguments)}' was answered with '{text[..firstLineEnd]}'.");
            }
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(["PING"], cancellationToken);
        if (reply != "PONG")
        {
            throw new IOException($"PING was answered with '{reply}'.");
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
