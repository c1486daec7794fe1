using System.Diagnostics;

namespace Aspects.IntegrationTests.Rig;

/// <summary>Polls a starting server with real client round-trips until one succeeds or a deadline passes.</summary>
internal static class Readiness
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <param name="server">Names the server in failure messages.</param>
    /// <param name="timeout">How long to keep trying.</param>
    /// <param name="probe">One round-trip; throws while the server is not ready.</param>
    /// <param name="diagnostics">The server's output tail, attached to failures.</param>
    /// <param name="serverExit">
    /// Completes once the server process has exited and its output has been read, as waiting
    /// longer is then pointless.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task WaitAsync(
        string server,
        TimeSpan timeout,
        Func<CancellationToken, Task> probe,
        Func<string> diagnostics,
        Task? serverExit,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Exception? lastError = null;
        while (clock.Elapsed < timeout)
        {
            if (serverExit?.IsCompleted == true)
            {
                throw new InvalidOperationException(
                    $"{server} exited before accepting connections. Output tail:\n{diagnostics()}");
            }

            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(AttemptTimeout);
            try
            {
                await probe(attempt.Token);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = e;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException(
            $"{server} did not accept connections within {timeout.TotalSeconds:0} s. " +
            $"Last error: {lastError?.Message ?? "none"}\nOutput tail:\n{diagnostics()}");
    }
}
