using Aspects.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aspects.Tests.PostgreSql;

/// <summary>What <c>UsePostgreSql</c> registers and who owns it; no server needed (Npgsql connects on first use).</summary>
public sealed class AddAspectsPostgreSqlRegistrationTests
{
    private const string Server = "Host=db.internal;Database=shop;Username=shop;Password=s3cret";

    [Fact]
    public async Task Disposing_the_container_disposes_the_data_source_it_created_so_its_pool_is_closed()
    {
        var provider = new ServiceCollection().AddAspects(aspects => aspects.UsePostgreSql(Server)).BuildServiceProvider();
        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();

        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await dataSource.OpenConnectionAsync());
    }

    [Fact]
    public async Task A_data_source_the_application_registered_is_kept_and_stays_the_applications()
    {
        // Port 1 on loopback refuses at once: opening fails with a network error, unless the data source was disposed.
        await using var own = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=shop;Timeout=5");
        var provider = new ServiceCollection()
            .AddSingleton(own)
            .AddAspects(aspects => aspects.UsePostgreSql("Host=elsewhere"))
            .BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<NpgsqlDataSource>());
        await provider.DisposeAsync();

        var failure = await Record.ExceptionAsync(async () => await own.OpenConnectionAsync());
        Assert.IsType<NpgsqlException>(failure);
    }

    [Fact]
    public void UsePostgreSql_in_two_AddAspects_calls_registers_one_data_source_and_an_invalid_setting_still_fails_at_registration()
    {
        var services = new ServiceCollection()
            .AddAspects(aspects => aspects.UsePostgreSql(Server))
            .AddAspects(aspects => aspects.UsePostgreSql(Server));

        Assert.Single(services, d => d.ServiceType == typeof(NpgsqlDataSource));
        var exception = Assert.ThrowsAny<ArgumentException>(() => services.AddAspects(aspects => aspects.UsePostgreSql(Server, pool => pool.MaxPoolSize = 0)));
        Assert.Contains("MaxPoolSize", exception.Message);
    }
}
