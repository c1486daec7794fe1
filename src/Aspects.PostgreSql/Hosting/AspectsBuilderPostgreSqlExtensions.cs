using Aspects.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspects.Hosting;

/// <summary>Plugs PostgreSQL into <c>services.AddAspects(...)</c>.</summary>
public static class AspectsBuilderPostgreSqlExtensions
{
    /// <summary>
    /// Registers one pooled <see cref="NpgsqlDataSource"/> (a singleton built from <paramref name="connectionString"/>
    /// and the pool settings, logging to the container's <see cref="ILoggerFactory"/>) and adds Npgsql's transient
    /// errors to the exceptions that <c>[Retry]</c> without <c>Handle</c> retries. The settings are validated here, so
    /// a bad one fails start-up with a message naming it.
    /// </summary>
    /// <remarks>
    /// Like Npgsql's <c>AddNpgsqlDataSource</c>: the container builds the data source on first use and disposes it,
    /// closing its pool, when it is disposed itself. A <see cref="NpgsqlDataSource"/> the application registered
    /// already is left in place (<c>TryAdd</c>) and <paramref name="connectionString"/> is then not used.
    /// </remarks>
    /// <param name="builder">The Aspects builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Adjusts the pool settings (sizes, idle lifetime, command timeout, application name).</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it.</exception>
    public static AspectsBuilder UsePostgreSql(this AspectsBuilder builder, string connectionString, Action<AspectsPostgreSqlOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AspectsPostgreSqlOptions { ConnectionString = connectionString };
        configure?.Invoke(options);

        // Validates every setting now rather than at the first query; the container builds (and owns) the data source.
        var dataSourceBuilder = PostgreSqlDataSourceFactory.CreateBuilder(options);
        builder.Services.TryAddSingleton(provider =>
        {
            if (provider.GetService<ILoggerFactory>() is { } loggerFactory)
            {
                dataSourceBuilder.UseLoggerFactory(loggerFactory);
            }

            return dataSourceBuilder.Build();
        });
        return builder.Configure(static (_, runtimeOptions) => runtimeOptions.AddPostgreSqlTransientErrors());
    }
}
