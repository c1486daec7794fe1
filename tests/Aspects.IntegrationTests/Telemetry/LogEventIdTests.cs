using System.Reflection;
using Aspects.Redis.Caching;
using Microsoft.Extensions.Logging;

namespace Aspects.IntegrationTests.Telemetry;

/// <summary>
/// Every <c>[LoggerMessage]</c> of the library (Aspects, Aspects.Redis, Aspects.PostgreSql) has a unique, named
/// event ID in its area's range, and docs/telemetry.md lists it. This project references all three assemblies,
/// which is why the test lives here; it needs no server.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly Assembly[] Library =
    [
        typeof(AspectRuntime).Assembly,
        typeof(RedisCacheSetup).Assembly,
        typeof(Aspects.PostgreSql.AspectsPostgreSqlOptions).Assembly,
    ];

    [Fact]
    public void Event_ids_and_names_are_unique_across_the_library()
    {
        var events = LogEvents();

        Assert.True(events.Count >= 15, $"Found only {events.Count} log methods; the reflection no longer finds them.");
        Assert.Empty(events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}"));
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.Name), $"{e.Method} (event {e.Id}) has no EventName."));
        Assert.Empty(events.GroupBy(e => e.Name).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void Event_ids_lie_in_their_areas_range()
    {
        foreach (var e in LogEvents())
        {
            var (low, high) = e.Namespace switch
            {
                var ns when ns.EndsWith(".Caching", StringComparison.Ordinal) => (1000, 1999),
                var ns when ns.EndsWith(".RateLimiting", StringComparison.Ordinal) => (2000, 2999),
                var ns when ns.EndsWith(".Batching", StringComparison.Ordinal) => (3000, 3999),
                var ns when ns.EndsWith(".Retrying", StringComparison.Ordinal) => (4000, 4999),
                _ => (5000, 5999), // hosting and configuration
            };
            Assert.True(e.Id >= low && e.Id <= high, $"{e.Method} in {e.Namespace} has event ID {e.Id}, outside {low}–{high}.");
        }
    }

    [Fact]
    public void Every_event_is_documented_in_docs_telemetry_md()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "telemetry.md"));

        Assert.All(LogEvents(), e => Assert.Contains($"| {e.Id} | `{e.Name}` |", docs, StringComparison.Ordinal));
    }

    private static List<LogEvent> LogEvents() =>
        [.. Library
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => new LogEvent(
                $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Method.DeclaringType.Namespace ?? string.Empty, m.Attribute!.EventId, m.Attribute.EventName))];

    // The test assembly's location, not a compile-time path (CI maps those to /_/).
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aspects.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Aspects.sln above {AppContext.BaseDirectory}.");
    }

    private sealed record LogEvent(string Method, string Namespace, int Id, string? Name);
}
