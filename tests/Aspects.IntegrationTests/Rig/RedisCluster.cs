using System.Globalization;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// A throwaway Redis Cluster of three masters (no replicas): three <c>redis-server --cluster-enabled yes</c> child
/// processes on free loopback ports, each with its own temporary directory, joined by
/// <c>redis-cli --cluster create</c>; waits until every node reports <c>cluster_state:ok</c>.
/// </summary>
/// <remarks>
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> stop and start every node; each keeps its port and its
/// <c>nodes.conf</c>, so the same cluster comes back.
/// </remarks>
public sealed class RedisCluster : IRigServer
{
    /// <summary>The number of masters.</summary>
    public const int MasterCount = 3;

    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServer> _nodes;

    private RedisCluster(List<RedisServer> nodes) => _nodes = nodes;

    /// <summary>The nodes, each a master.</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>A StackExchange.Redis connection string naming every node, e.g. <c>127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002</c>.</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(n => n.ConnectionString));

    /// <summary>Starts three cluster-enabled servers, creates the cluster and waits until every node reports it ok.</summary>
    /// <param name="cancellationToken">Ends the waits.</param>
    /// <returns>The running cluster.</returns>
    /// <exception cref="InvalidOperationException"><c>redis-server</c> or <c>redis-cli</c> is missing, or a step failed; the message carries its output.</exception>
    /// <exception cref="TimeoutException">A step did not finish in time.</exception>
    public static async Task<RedisCluster> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var cli = ExecutableLookup.FindOnPath("redis-cli")
            ?? throw new InvalidOperationException(
                "redis-cli was not found on PATH. Run scripts/install-test-servers.sh, " +
                $"or set {RedisClusterFixture.EnvironmentVariable} to the connection string of an existing cluster.");
        var nodes = new List<RedisServer>();
        var cluster = new RedisCluster(nodes);
        try
        {
            for (var i = 0; i < MasterCount; i++)
            {
                // The cluster bus gets its own free port: the default (port + 10000) may be taken or out of range.
                nodes.Add(await RedisServer.StartNewAsync(cancellationToken, [
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-port", FreePort.Find().ToString(CultureInfo.InvariantCulture),
                    "--cluster-node-timeout", "5000",
                ]));
            }

            await ExternalCommand.RunAsync(
                cli,
                ["--cluster", "create", .. nodes.Select(n => n.ConnectionString), "--cluster-replicas", "0", "--cluster-yes"],
                Path.GetTempPath(),
                CreateTimeout,
                cancellationToken);
            await cluster.WaitUntilOkAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Stops every node, keeping ports and cluster configuration.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes once every node is down.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var node in _nodes)
        {
            await node.StopAsync(cancellationToken);
        }
    }

    /// <summary>Starts every node again and waits until every node reports the cluster ok.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes once the cluster is ok.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var node in _nodes)
        {
            await node.StartAsync(cancellationToken);
        }

        await WaitUntilOkAsync(cancellationToken);
    }

    /// <summary>Stops the nodes and deletes their directories.</summary>
    /// <returns>A task that completes once everything is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    // Every node must see every node and every slot covered, or clients may be sent to a node that disagrees.
    private Task WaitUntilOkAsync(CancellationToken cancellationToken) =>
        Readiness.WaitAsync(
            $"the Redis Cluster on ports {string.Join(", ", _nodes.Select(n => n.Port))}",
            ConvergeTimeout,
            async token =>
            {
                foreach (var node in _nodes)
                {
                    var info = await node.CommandAsync(["CLUSTER", "INFO"], token);
                    if (!info.Contains("cluster_state:ok", StringComparison.Ordinal)
                        || !info.Contains($"cluster_known_nodes:{MasterCount}", StringComparison.Ordinal)
                        || !info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal))
                    {
                        throw new IOException($"Node {node.Port} is not ready yet: {info.ReplaceLineEndings(" ")}");
                    }
                }
            },
            () => "(see the CLUSTER INFO in the last error)",
            null,
            cancellationToken);
}
