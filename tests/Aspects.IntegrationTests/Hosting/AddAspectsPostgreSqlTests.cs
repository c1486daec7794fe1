using Aspects.Hosting;
using Aspects.IntegrationTests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Aspects.IntegrationTests.Hosting;

/// <summary><c>AddAspects(a => a.UsePostgreSql(...))</c> against the real PostgreSQL.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class AddAspectsPostgreSqlTests(PostgreSqlFixture postgres)
{
    [Fact]
    public async Task The_registered_data_source_is_pooled_with_the_given_settings_and_retries_know_its_errors()
    {
        await using var provider = new ServiceCollection()
            .AddAspects(aspects => aspects.UsePostgreSql(postgres.ConnectionString, pool => pool.ApplicationName = "aspects-hosting-test"))
            .BuildServiceProvider();
        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();

        await using var command = dataSource.CreateCommand("SELECT current_setting('application_name')");
        var applicationName = (string?)await command.ExecuteScalarAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("aspects-hosting-test", applicationName);
        Assert.Same(dataSource, provider.GetRequiredService<NpgsqlDataSource>());
        var runtime = provider.GetRequiredService<AspectRuntime>();
        Assert.True(runtime.IsTransient(new NpgsqlException("connection lost", new System.Net.Sockets.SocketException())));
    }

    [Fact]
    public void An_invalid_pool_setting_fails_at_registration_naming_it()
    {
        var exception = Assert.ThrowsAny<ArgumentException>(() =>
            new ServiceCollection().AddAspects(aspects => aspects.UsePostgreSql(postgres.ConnectionString, pool => pool.MaxPoolSize = 0)));

        Assert.Contains("MaxPoolSize", exception.Message);
    }
}
