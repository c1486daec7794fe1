using System.Text;
using Npgsql;

namespace Aspects.PostgreSql;

/// <summary>
/// Builds the pooled <see cref="NpgsqlDataSource"/> an application shares: create it once (a singleton), give it to
/// every service, dispose it at shutdown. Each data source owns its own pool, so one per database is the goal.
/// </summary>
public static class PostgreSqlDataSourceFactory
{
    // PostgreSQL's NAMEDATALEN - 1: longer application names are truncated by the server without a word.
    private const int MaxApplicationNameBytes = 63;

    /// <summary>Validates <paramref name="options"/> and builds a data source from them.</summary>
    /// <param name="options">The connection string and pool settings.</param>
    /// <param name="configure">
    /// Optional extra configuration of the builder (logging, type mappings, authentication callbacks) applied after
    /// <paramref name="options"/>.
    /// </param>
    /// <returns>A data source the caller owns and disposes.</returns>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it.</exception>
    public static NpgsqlDataSource Create(AspectsPostgreSqlOptions options, Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var builder = CreateBuilder(options);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// Validates <paramref name="options"/> and returns a <see cref="NpgsqlDataSourceBuilder"/> whose connection
    /// string carries them, for callers that configure more before <see cref="NpgsqlDataSourceBuilder.Build"/>.
    /// </summary>
    /// <param name="options">The connection string and pool settings.</param>
    /// <returns>A builder with the settings applied.</returns>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it.</exception>
    public static NpgsqlDataSourceBuilder CreateBuilder(AspectsPostgreSqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connectionString = ParseConnectionString(options.ConnectionString);

        if (options.MaxPoolSize is { } max)
        {
            if (max < 1)
            {
                throw OutOfRange(nameof(AspectsPostgreSqlOptions.MaxPoolSize), max, "must be at least 1");
            }

            connectionString.MaxPoolSize = max;
        }

        if (options.MinPoolSize is { } min)
        {
            if (min < 0)
            {
                throw OutOfRange(nameof(AspectsPostgreSqlOptions.MinPoolSize), min, "must be at least 0");
            }

            connectionString.MinPoolSize = min;
        }

        if (connectionString.MinPoolSize > connectionString.MaxPoolSize)
        {
            throw new ArgumentException(
                $"{Setting(nameof(AspectsPostgreSqlOptions.MinPoolSize))} ({connectionString.MinPoolSize}) must not exceed " +
                $"{Setting(nameof(AspectsPostgreSqlOptions.MaxPoolSize))} ({connectionString.MaxPoolSize}).",
                Setting(nameof(AspectsPostgreSqlOptions.MinPoolSize)));
        }

        if (options.ConnectionIdleLifetime is { } idle)
        {
            if (idle <= TimeSpan.Zero || idle > TimeSpan.FromSeconds(int.MaxValue))
            {
                throw OutOfRange(nameof(AspectsPostgreSqlOptions.ConnectionIdleLifetime), idle, "must be positive");
            }

            connectionString.ConnectionIdleLifetime = WholeSeconds(idle);
        }

        if (options.CommandTimeout is { } timeout)
        {
            if (timeout < TimeSpan.Zero || timeout > TimeSpan.FromSeconds(int.MaxValue))
            {
                throw OutOfRange(nameof(AspectsPostgreSqlOptions.CommandTimeout), timeout, "must be zero (no limit) or positive");
            }

            connectionString.CommandTimeout = WholeSeconds(timeout);
        }

        if (options.ApplicationName is { } applicationName)
        {
            if (string.IsNullOrWhiteSpace(applicationName) || Encoding.UTF8.GetByteCount(applicationName) > MaxApplicationNameBytes)
            {
                throw new ArgumentException(
                    $"{Setting(nameof(AspectsPostgreSqlOptions.ApplicationName))} must be non-empty and at most {MaxApplicationNameBytes} bytes in UTF-8; it was '{applicationName}'.",
                    Setting(nameof(AspectsPostgreSqlOptions.ApplicationName)));
            }

            connectionString.ApplicationName = applicationName;
        }

        return new NpgsqlDataSourceBuilder(connectionString.ConnectionString);
    }

    private static NpgsqlConnectionStringBuilder ParseConnectionString(string? connectionString)
    {
        var setting = Setting(nameof(AspectsPostgreSqlOptions.ConnectionString));
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"{setting} is required, e.g. \"Host=localhost;Database=shop;Username=shop\".", setting);
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql's message names the keyword at fault; the connection string itself may carry a password, so it is not repeated.
            throw new ArgumentException($"{setting} is not a valid Npgsql connection string: {e.Message}", setting, e);
        }
    }

    // Npgsql counts in whole seconds; rounding up keeps a sub-second setting from becoming "no limit" (0).
    private static int WholeSeconds(TimeSpan value) => (int)Math.Ceiling(value.TotalSeconds);

    private static string Setting(string name) => $"{nameof(AspectsPostgreSqlOptions)}.{name}";

    private static ArgumentOutOfRangeException OutOfRange(string name, object value, string rule) =>
        new(Setting(name), value, $"{Setting(name)} {rule}.");
}
