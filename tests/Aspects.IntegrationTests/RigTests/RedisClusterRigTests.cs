using Aspects.IntegrationTests.Rig;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.RigTests;

[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterRigTests(RedisClusterFixture cluster)
{
    [Fact]
    public async Task The_rig_cluster_has_three_masters_sharing_the_slots_and_routes_keys_to_each()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        var masters = connection.GetServers().Where(s => s.ServerType == ServerType.Cluster && !s.IsReplica).ToList();
        Assert.Equal(RedisCluster.MasterCount, masters.Count);

        // Enough keys that every master owns some of them (a key's slot is CRC16(key) mod 16384).
        var database = connection.GetDatabase();
        var owners = new HashSet<System.Net.EndPoint>();
        for (var i = 0; i < 64; i++)
        {
            var key = $"rig-cluster:{Guid.NewGuid():N}";
            Assert.True(await database.StringSetAsync(key, i, TimeSpan.FromMinutes(1)));
            Assert.Equal(i, (int)await database.StringGetAsync(key));
            owners.Add(connection.GetServer((RedisKey)key).EndPoint);
        }

        Assert.Equal(RedisCluster.MasterCount, owners.Count);
    }
}
