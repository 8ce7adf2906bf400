using System.Net;
using System.Net.Sockets;

namespace Supply.Testing;

public static class FreePorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts connections on the port (bounded).</summary>
    public static async Task WaitListeningAsync(int port, TimeSpan timeout, Func<string> diagnostics, Func<bool>? exited = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (exited?.Invoke() == true) throw new InvalidOperationException($"the process exited before listening on {port}:\n{diagnostics()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException e)
            {
                throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds} s\n{diagnostics()}", e);
            }
        }
    }
}
