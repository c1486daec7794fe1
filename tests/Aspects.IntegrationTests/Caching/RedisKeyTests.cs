using Aspects.IntegrationTests.Rig;
using Aspects.Redis.Caching;
using StackExchange.Redis;
using Xunit;

namespace Aspects.IntegrationTests.Caching;

/// <summary>Cache keys against a real Redis, two runtimes as two nodes: what one node stores, the other finds only under the same identity.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisKeyTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan BoundedWait = TimeSpan.FromSeconds(15);
    private readonly string _prefix = "keys" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_closed_types_of_a_generic_class_never_share_an_entry_across_nodes()
    {
        var first = await NodeAsync();
        var second = await NodeAsync();
        var customers = new Repo<Customer>(first);

        Assert.Equal("Customer #1", await customers.GetNameAsync(1).WaitAsync(BoundedWait));
        await WaitForKeyAsync("Aspects.IntegrationTests.Caching.Repo<T>.GetNameAsync@", "[Aspects.IntegrationTests.Caching.Customer]:1");

        var suppliers = new Repo<Supplier>(second);
        Assert.Equal("Supplier #1", await suppliers.GetNameAsync(1).WaitAsync(BoundedWait));
        Assert.Equal(1, suppliers.Calls);

        // The same closed type still shares the entry across nodes.
        var customersOnSecond = new Repo<Customer>(second);
        Assert.Equal("Customer #1", await customersOnSecond.GetNameAsync(1).WaitAsync(BoundedWait));
        Assert.Equal(0, customersOnSecond.Calls);
    }

    [Fact]
    public async Task A_string_key_with_control_characters_reaches_Redis_and_the_other_node_reads_it()
    {
        var first = await NodeAsync();
        var second = await NodeAsync();

        Assert.Equal("found red\tshoes", await new Finder(first).FindAsync("red\tshoes").WaitAsync(BoundedWait));
        await WaitForKeyAsync("Aspects.IntegrationTests.Caching.Finder.FindAsync@", @":red\u0009shoes");

        var finder = new Finder(second);
        Assert.Equal("found red\tshoes", await finder.FindAsync("red\tshoes").WaitAsync(BoundedWait));
        Assert.Equal(0, finder.Calls);
    }

    /// <summary>
    /// Polls Redis until the L2 entry whose key is <paramref name="head"/>, the result shape's fingerprint and
    /// <paramref name="tail"/> is there: HybridCache writes it after handing the value to its callers.
    /// </summary>
    private async Task WaitForKeyAsync(string head, string tail)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        _disposables.Add(connection);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var expected = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(_prefix + ":" + head) + "[0-9a-f]{16}" + System.Text.RegularExpressions.Regex.Escape(tail) + "$");
        var deadline = DateTime.UtcNow + BoundedWait;
        while (true)
        {
            var keys = new List<string>();
            await foreach (var key in server.KeysAsync(pattern: _prefix + ":*"))
            {
                keys.Add(key.ToString());
            }

            if (keys.Exists(expected.IsMatch))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"No L2 entry matching '{expected}' within {BoundedWait.TotalSeconds} s; the keys of this test are: {string.Join(", ", keys)}");
            }

            await Task.Delay(5);
        }
    }

    private async Task<AspectRuntime> NodeAsync()
    {
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _disposables.Add(connection);
        var options = new AspectRuntimeOptions();
        options.Cache.KeyPrefix = _prefix;
        options.Cache.UseRedis(connection);
        var runtime = new AspectRuntime(options);
        _disposables.Add(runtime.Cache);
        return runtime;
    }
}

public sealed class Customer;

public sealed class Supplier;

public sealed partial class Repo<T>(AspectRuntime aspects)
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    [Cached(DurationSeconds = 60)]
    public partial Task<string> GetNameAsync(int id, CancellationToken ct = default);

    private Task<string> GetNameCoreAsync(int id, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult($"{typeof(T).Name} #{id}");
    }
}

public sealed partial class Finder(AspectRuntime aspects)
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    [Cached(DurationSeconds = 60)]
    public partial Task<string> FindAsync(string query, CancellationToken ct = default);

    private Task<string> FindCoreAsync(string query, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult("found " + query);
    }
}
