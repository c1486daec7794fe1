using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>How [Cached] forms its keys: exact in-process components, and the closed type arguments of generic types.</summary>
public class CacheKeySnapshotTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    [Fact]
    public void Keys_of_types_whose_Equals_ignores_what_the_body_sees_use_exact_components()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Clocks;

            public sealed partial class Calendar(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 60)]
                public partial Task<string> DescribeAsync(DateTime at, DateTimeOffset stamp, decimal amount, double ratio, float? weight, Half level, Guid id, string? name, CancellationToken ct = default);

                private Task<string> DescribeCoreAsync(DateTime at, DateTimeOffset stamp, decimal amount, double ratio, float? weight, Half level, Guid id, string? name, CancellationToken ct) => Task.FromResult("");

                [Cached(DurationSeconds = 60)]
                public partial Task<string> DayOfAsync(DateTime at);

                private Task<string> DayOfCoreAsync(DateTime at) => Task.FromResult("");
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void A_generic_type_puts_its_closed_type_arguments_into_the_key_once_per_closed_type()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Data;

            public sealed partial class Repo<T>(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetNameAsync(int id, CancellationToken ct = default);

                private Task<string> GetNameCoreAsync(int id, CancellationToken ct) => Task.FromResult(typeof(T).Name + " #" + id);

                public sealed partial class Page<TItem>(AspectRuntime aspects)
                {
                    [Cached(DurationSeconds = 60)]
                    public partial Task<string> GetAsync(int number);

                    private Task<string> GetCoreAsync(int number) => Task.FromResult(typeof(TItem).Name);
                }
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Records_record_structs_and_tuples_are_keyed_by_their_members()
    {
        var run = GeneratorHarness.Run(Usings + """
            namespace Weather;

            public record ForecastRequest(string City, int Days);

            public sealed record Place(string Name, double Latitude, DateTime? Since);

            public readonly record struct Window(DateTimeOffset From, decimal Hours);

            public sealed partial class Forecasts(AspectRuntime aspects)
            {
                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetForecastAsync(ForecastRequest request, CancellationToken ct = default);

                private Task<string> GetForecastCoreAsync(ForecastRequest request, CancellationToken ct) => Task.FromResult(request.City);

                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetByTupleAsync((string City, int Days) request, Place? place, Window? window);

                private Task<string> GetByTupleCoreAsync((string City, int Days) request, Place? place, Window? window) => Task.FromResult(request.City);

                [InvalidatesCache(nameof(GetForecastAsync))]
                public partial Task RefreshAsync(ForecastRequest request);

                private Task RefreshCoreAsync(ForecastRequest request) => Task.CompletedTask;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }
}
