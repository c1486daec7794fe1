namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// Last-resort cleanup so servers do not outlive a test host that exits without disposing its
/// fixtures (e.g. on SIGTERM). Nothing can run when the host is killed with SIGKILL.
/// </summary>
internal static class ProcessExitCleanup
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Registration> Pending = [];

    static ProcessExitCleanup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => RunPending();

    /// <summary>Runs <paramref name="cleanup"/> at process exit unless the returned handle is disposed first.</summary>
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
