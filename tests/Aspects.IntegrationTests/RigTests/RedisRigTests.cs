using Aspects.IntegrationTests.Rig;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.RigTests;

[Collection(RedisCollection.Name)]
public sealed class RedisRigTests(RedisFixture redis)
{
    [Fact]
    public async Task Redis_rig_server_accepts_writes_and_reads()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();
        var key = $"rig-test:{Guid.NewGuid():N}";
        var value = Guid.NewGuid().ToString("N");

        Assert.True(await database.StringSetAsync(key, value, TimeSpan.FromMinutes(1)));
        Assert.Equal(value, (string?)await database.StringGetAsync(key));
    }

    [Fact]
    public async Task Redis_rig_server_can_be_stopped_and_restarted_on_the_same_port()
    {
        Assert.True(
            redis.CanRestart,
            $"This test stops the server, so it needs a rig-owned one; unset {RedisFixture.EnvironmentVariable}.");
        var connectionString = redis.ConnectionString;
        var options = ConfigurationOptions.Parse(connectionString);
        // Fail fast while the server is down instead of queueing commands until a timeout.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await connection.GetDatabase().PingAsync();

        await redis.StopServerAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => connection.GetDatabase().PingAsync());

        await redis.StartServerAsync();
        // Connecting with the connection string taken before the stop proves the port is unchanged.
        await using var reconnected = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = reconnected.GetDatabase();
        Assert.True(await database.StringSetAsync("rig-test:restarted", "yes", TimeSpan.FromMinutes(1)));
        Assert.Equal("yes", (string?)await database.StringGetAsync("rig-test:restarted"));
    }
}
