using System.Runtime.InteropServices;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// Last-resort cleanup so servers do not outlive a test host that exits without disposing its
/// fixtures. Nothing can run when the host is killed with SIGKILL.
/// </summary>
internal static class ProcessExitCleanup
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Registration> Pending = [];

    // .NET does not raise ProcessExit when a termination signal ends the process, so the
    // signals get handlers too. They do not cancel the signal: the host still terminates.
    // Kept in a field because disposing a registration removes the handler.
    private static readonly PosixSignalRegistration[] SignalRegistrations =
    [
        .. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => RunPending())),
    ];

    static ProcessExitCleanup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => RunPending();

    /// <summary>Runs <paramref name="cleanup"/> when the process exits unless the returned handle is disposed first.</summary>
    public static IDisposable Register(Action cleanup)
    {
        var registration = new Registration(cleanup);
        lock (Gate)
        {
            Pending.Add(registration);
        }

        return registration;
    }

    private static void RunPending()
    {
        Registration[] registrations;
        lock (Gate)
        {
            registrations = [.. Pending];
            Pending.Clear();
        }

        foreach (var registration in registrations)
        {
            try
            {
                registration.Cleanup();
            }
            catch (Exception)
            {
                // The process is exiting: there is nobody left to report to, and the
                // remaining servers still deserve their cleanup.
            }
        }
    }

    private sealed class Registration(Action cleanup) : IDisposable
    {
        public Action Cleanup { get; } = cleanup;

        public void Dispose()
        {
            lock (Gate)
            {
                Pending.Remove(this);
            }
        }
    }
}
