using Aspects.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aspects.Hosting;

/// <summary>Plugs PostgreSQL into <c>services.AddAspects(...)</c>.</summary>
public static class AspectsBuilderPostgreSqlExtensions
{
    /// <summary>
    /// Registers one pooled <see cref="NpgsqlDataSource"/> (a singleton built from
    /// <paramref name="connectionString"/> and the pool settings) and adds Npgsql's transient errors to the
    /// exceptions that <c>[Retry]</c> without <c>Handle</c> retries. The settings are validated here, so a
    /// bad one fails start-up with a message naming it.
    /// </summary>
    /// <param name="builder">The Aspects builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Adjusts the pool settings (sizes, idle lifetime, command timeout, application name).</param>
    /// <returns>The builder, for chaining.</returns>
    public static AspectsBuilder UsePostgreSql(this AspectsBuilder builder, string connectionString, Action<AspectsPostgreSqlOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AspectsPostgreSqlOptions { ConnectionString = connectionString };
        configure?.Invoke(options);

        // Building the data source validates every setting now rather than at the first query.
        var dataSource = PostgreSqlDataSourceFactory.Create(options);
        builder.Services.AddSingleton(dataSource);
        return builder.Configure((_, runtimeOptions) => runtimeOptions.AddPostgreSqlTransientErrors());
    }
}
