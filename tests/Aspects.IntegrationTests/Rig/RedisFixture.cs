using StackExchange.Redis;

namespace Aspects.IntegrationTests.Rig;

/// <summary>
/// The Redis server shared by the tests of the <see cref="RedisCollection"/>: a rig-owned
/// <see cref="RedisServer"/>, or the existing server named by <see cref="EnvironmentVariable"/>.
/// </summary>
public sealed class RedisFixture() : ServerFixture<RedisServer>("Redis", EnvironmentVariable)
{
    /// <summary>Set to a StackExchange.Redis connection string to test against an existing server.</summary>
    public const string EnvironmentVariable = "ASPECTS_TEST_REDIS";

    /// <inheritdoc />
    protected override Task<RedisServer> StartNewServerAsync() => RedisServer.StartNewAsync();

    /// <inheritdoc />
    protected override async Task InspectExistingServerAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await connection.GetDatabase().PingAsync();
    }
}
