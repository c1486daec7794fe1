using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// The Redis Cluster shared by the tests of the <see cref="RedisClusterCollection"/>: a rig-owned
/// <see cref="RedisCluster"/> of three masters, or the existing cluster named by <see cref="EnvironmentVariable"/>.
/// </summary>
public sealed class RedisClusterFixture() : ServerFixture<RedisCluster>("Redis Cluster", EnvironmentVariable)
{
    /// <summary>Set to a StackExchange.Redis connection string naming the nodes of an existing cluster to test against it.</summary>
    public const string EnvironmentVariable = "ASPECTS_TEST_REDIS_CLUSTER";

    /// <summary>The rig-owned cluster, or <see langword="null"/> with an existing one (see <see cref="ServerFixture{TServer}.CanRestart"/>).</summary>
    public RedisCluster? Cluster { get; private set; }

    /// <inheritdoc />
    protected override Task<RedisCluster> StartNewServerAsync() => RedisCluster.StartNewAsync();

    /// <inheritdoc />
    protected override void OnOwnedServerStarted(RedisCluster server) => Cluster = server;

    /// <inheritdoc />
    protected override async Task InspectExistingServerAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        if (connection.GetServers().FirstOrDefault(s => s.ServerType == ServerType.Cluster) is null)
        {
            throw new InvalidOperationException($"{EnvironmentVariable} names no Redis Cluster node (no server reports cluster mode).");
        }
    }
}

/// <summary>Tests in this collection share one <see cref="RedisClusterFixture"/> and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    /// <summary>The collection name for <see cref="CollectionAttribute"/>.</summary>
    public const string Name = "redis-cluster";
}
