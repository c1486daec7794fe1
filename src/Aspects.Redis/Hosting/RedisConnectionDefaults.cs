using StackExchange.Redis;

namespace Aspects.Hosting;

/// <summary>
/// The settings of the multiplexer <c>UseRedis(connectionString)</c> creates: a cache must fall back to the body at
/// once while Redis is down, so commands fail fast instead of queueing in the backlog, and waits are bounded.
/// </summary>
internal static class RedisConnectionDefaults
{
    /// <summary>How long connecting may take, in milliseconds; also how long start-up waits when Redis is down (StackExchange.Redis: 5000).</summary>
    public const int ConnectTimeoutMilliseconds = 2000;

    /// <summary>How long a command may wait for its reply, in milliseconds, synchronous or not (StackExchange.Redis: 5000).</summary>
    public const int CommandTimeoutMilliseconds = 1000;

    /// <summary>Parses <paramref name="connectionString"/> and applies the defaults the string does not set itself.</summary>
    /// <exception cref="ArgumentException">The string is empty or malformed; the message names the setting.</exception>
    public static ConfigurationOptions Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The Redis connection string (UseRedis connectionString) is empty.", nameof(connectionString));
        }

        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"The Redis connection string (UseRedis connectionString) is invalid: {exception.Message}", nameof(connectionString), exception);
        }

        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        if (!Sets(connectionString, "connectTimeout"))
        {
            configuration.ConnectTimeout = ConnectTimeoutMilliseconds;
        }

        // As in StackExchange.Redis, an asyncTimeout the string leaves out follows its syncTimeout.
        if (!Sets(connectionString, "syncTimeout"))
        {
            configuration.SyncTimeout = CommandTimeoutMilliseconds;
            if (!Sets(connectionString, "asyncTimeout"))
            {
                configuration.AsyncTimeout = CommandTimeoutMilliseconds;
            }
        }

        return configuration;
    }

    // Options are comma-separated "name=value" pairs, names case-insensitive, as ConfigurationOptions.Parse reads them.
    private static bool Sets(string connectionString, string option)
    {
        foreach (var part in connectionString.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part.AsSpan(0, equals).Trim().Equals(option, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
