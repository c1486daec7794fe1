namespace Aspects.PostgreSql;

/// <summary>
/// How <see cref="PostgreSqlDataSourceFactory"/> builds the one pooled <c>NpgsqlDataSource</c> of an application.
/// </summary>
/// <remarks>
/// Every setting left <see langword="null"/> keeps what <see cref="ConnectionString"/> says, or Npgsql's default when it
/// says nothing; a setting given here wins over the connection string. Validation errors name the setting.
/// </remarks>
public sealed class AspectsPostgreSqlOptions
{
    /// <summary>The Npgsql connection string (<c>Host=…;Database=…;Username=…</c>); required.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The most open connections the pool holds; at least 1. <see langword="null"/>: the connection string's
    /// <c>Maximum Pool Size</c>, else Npgsql's default 100. Keep the sum over all instances below the server's
    /// <c>max_connections</c>.
    /// </summary>
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// The connections the pool keeps open even when idle; at least 0 and at most the effective maximum.
    /// <see langword="null"/>: the connection string's <c>Minimum Pool Size</c>, else Npgsql's default 0.
    /// </summary>
    public int? MinPoolSize { get; set; }

    /// <summary>
    /// How long a connection may sit idle before the pool closes it (down to <see cref="MinPoolSize"/>); positive,
    /// rounded up to whole seconds. <see langword="null"/>: the connection string's <c>Connection Idle Lifetime</c>,
    /// else Npgsql's default 300 seconds.
    /// </summary>
    public TimeSpan? ConnectionIdleLifetime { get; set; }

    /// <summary>
    /// How long a command may run before Npgsql cancels it and throws; <see cref="TimeSpan.Zero"/> means no limit,
    /// otherwise rounded up to whole seconds. <see langword="null"/>: the connection string's <c>Command Timeout</c>,
    /// else Npgsql's default 30 seconds.
    /// </summary>
    public TimeSpan? CommandTimeout { get; set; }

    /// <summary>
    /// The name the server shows for these connections (<c>application_name</c> in <c>pg_stat_activity</c> and logs);
    /// not empty, at most 63 bytes in UTF-8 (PostgreSQL would cut it silently). <see langword="null"/>: the connection
    /// string's <c>Application Name</c>, else none.
    /// </summary>
    public string? ApplicationName { get; set; }
}
