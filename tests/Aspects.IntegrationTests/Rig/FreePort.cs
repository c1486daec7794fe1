using System.Net;
using System.Net.Sockets;

namespace Aspects.IntegrationTests.Rig;

internal static class FreePort
{
    /// <summary>Asks the OS for a loopback port that is free right now.</summary>
    /// <remarks>
    /// Another process could take the port before the server binds it; the window is tiny,
    /// and a clash shows up as a startup failure whose message carries the server's output.
    /// </remarks>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
