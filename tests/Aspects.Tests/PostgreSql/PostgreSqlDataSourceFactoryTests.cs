using Aspects.PostgreSql;
using Npgsql;

namespace Aspects.Tests.PostgreSql;

/// <summary>Building the data source needs no server: Npgsql connects on first use.</summary>
public sealed class PostgreSqlDataSourceFactoryTests
{
    private const string Server = "Host=db.internal;Database=shop;Username=shop;Password=s3cret";

    private static NpgsqlConnectionStringBuilder Applied(AspectsPostgreSqlOptions options)
    {
        using var dataSource = PostgreSqlDataSourceFactory.Create(options);
        return new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
    }

    [Fact]
    public void Settings_left_null_keep_Npgsql_defaults()
    {
        var applied = Applied(new AspectsPostgreSqlOptions { ConnectionString = Server });

        Assert.Equal(100, applied.MaxPoolSize);
        Assert.Equal(0, applied.MinPoolSize);
        Assert.Equal(300, applied.ConnectionIdleLifetime);
        Assert.Equal(30, applied.CommandTimeout);
        Assert.Null(applied.ApplicationName);
    }

    [Fact]
    public void Settings_left_null_keep_what_the_connection_string_says()
    {
        var applied = Applied(new AspectsPostgreSqlOptions
        {
            ConnectionString = Server + ";Maximum Pool Size=7;Minimum Pool Size=2;Connection Idle Lifetime=60;Command Timeout=5;Application Name=from-string",
        });

        Assert.Equal(7, applied.MaxPoolSize);
        Assert.Equal(2, applied.MinPoolSize);
        Assert.Equal(60, applied.ConnectionIdleLifetime);
        Assert.Equal(5, applied.CommandTimeout);
        Assert.Equal("from-string", applied.ApplicationName);
    }

    [Fact]
    public void Settings_given_win_over_the_connection_string_and_durations_round_up_to_seconds()
    {
        var applied = Applied(new AspectsPostgreSqlOptions
        {
            ConnectionString = Server + ";Maximum Pool Size=7;Application Name=from-string",
            MaxPoolSize = 40,
            MinPoolSize = 4,
            ConnectionIdleLifetime = TimeSpan.FromSeconds(90.2),
            CommandTimeout = TimeSpan.FromMilliseconds(1500),
            ApplicationName = "catalog-api",
        });

        Assert.Equal(40, applied.MaxPoolSize);
        Assert.Equal(4, applied.MinPoolSize);
        Assert.Equal(91, applied.ConnectionIdleLifetime);
        Assert.Equal(2, applied.CommandTimeout);
        Assert.Equal("catalog-api", applied.ApplicationName);
        Assert.Equal("db.internal", applied.Host);
    }

    [Fact]
    public void Zero_command_timeout_means_no_limit()
    {
        var applied = Applied(new AspectsPostgreSqlOptions { ConnectionString = Server, CommandTimeout = TimeSpan.Zero });

        Assert.Equal(0, applied.CommandTimeout);
    }

    public static TheoryData<string, Action<AspectsPostgreSqlOptions>> InvalidSettings => new()
    {
        { "AspectsPostgreSqlOptions.ConnectionString", o => o.ConnectionString = " " },
        { "AspectsPostgreSqlOptions.ConnectionString", o => o.ConnectionString = "Host=x;Password=s3cret;Frobnicate=1" },
        { "AspectsPostgreSqlOptions.MaxPoolSize", o => o.MaxPoolSize = 0 },
        { "AspectsPostgreSqlOptions.MinPoolSize", o => o.MinPoolSize = -1 },
        { "AspectsPostgreSqlOptions.MinPoolSize", o => (o.MinPoolSize, o.MaxPoolSize) = (10, 5) },
        { "AspectsPostgreSqlOptions.ConnectionIdleLifetime", o => o.ConnectionIdleLifetime = TimeSpan.Zero },
        { "AspectsPostgreSqlOptions.CommandTimeout", o => o.CommandTimeout = TimeSpan.FromSeconds(-1) },
        { "AspectsPostgreSqlOptions.ApplicationName", o => o.ApplicationName = "" },
        { "AspectsPostgreSqlOptions.ApplicationName", o => o.ApplicationName = new string('a', 64) },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Invalid_setting_is_rejected_naming_the_setting_and_never_echoing_the_password(
        string setting, Action<AspectsPostgreSqlOptions> configure)
    {
        var options = new AspectsPostgreSqlOptions { ConnectionString = Server };
        configure(options);

        var exception = Assert.ThrowsAny<ArgumentException>(() => PostgreSqlDataSourceFactory.Create(options));

        Assert.Equal(setting, exception.ParamName);
        Assert.Contains(setting, exception.Message);
        Assert.DoesNotContain("s3cret", exception.Message);
    }

    [Fact]
    public void Configure_callback_runs_on_the_builder_after_the_options()
    {
        string? seen = null;

        using var dataSource = PostgreSqlDataSourceFactory.Create(
            new AspectsPostgreSqlOptions { ConnectionString = Server, ApplicationName = "catalog-api" },
            builder => seen = builder.ConnectionStringBuilder.ApplicationName);

        Assert.Equal("catalog-api", seen);
    }
}
