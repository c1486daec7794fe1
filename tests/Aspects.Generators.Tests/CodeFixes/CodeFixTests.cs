using Aspects.CodeFixes;

namespace Aspects.Generators.Tests.CodeFixes;

/// <summary>
/// The IDE's fixes for the generator's diagnostics: each test shows the code before and after the fix,
/// and the harness proves the fixed program compiles with the generator.
/// </summary>
public class CodeFixTests
{
    [Fact]
    public async Task ASP0002_fix_makes_the_type_and_every_enclosing_type_partial()
    {
        var source = """
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public static class Outer
            {
                public partial class Middle
                {
                    internal sealed class Service
                    {
                        [Retry]
                        public partial Task<int> GetAsync(int id);
                        private Task<int> GetCoreAsync(int id) => Task.FromResult(id);
                    }
                }
            }
            """;

        // One ASP0002 per non-partial type (Service and Outer); fixing the innermost one fixes them all.
        Assert.Equal(2, Infrastructure.GeneratorHarness.Run(source).Diagnostics.Count(d => d.Id == "ASP0002"));
        var (_, actions) = await CodeFixHarness.ActionsAsync(new MakePartialCodeFixProvider(), source, "ASP0002", at: "Service");
        Assert.Equal("Make 'Service' partial", Assert.Single(actions).Title);

        var fixedText = await CodeFixHarness.FixAsync(new MakePartialCodeFixProvider(), source, "ASP0002", "Make 'Service' partial", at: "Service");

        Assert.Equal("""
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public static partial class Outer
            {
                public partial class Middle
                {
                    internal sealed partial class Service
                    {
                        [Retry]
                        public partial Task<int> GetAsync(int id);
                        private Task<int> GetCoreAsync(int id) => Task.FromResult(id);
                    }
                }
            }
            """, fixedText);
    }

    [Fact]
    public async Task ASP0002_fix_puts_partial_before_the_keyword_of_a_type_without_modifiers()
    {
        var fixedText = await CodeFixHarness.FixAsync(new MakePartialCodeFixProvider(), """
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop
            {
                class Service
                {
                    [Retry]
                    public partial Task GetAsync();
                    private Task GetCoreAsync() => Task.CompletedTask;
                }
            }
            """, "ASP0002", "Make 'Service' partial");

        Assert.Equal("""
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop
            {
                partial class Service
                {
                    [Retry]
                    public partial Task GetAsync();
                    private Task GetCoreAsync() => Task.CompletedTask;
                }
            }
            """, fixedText);
    }

    [Fact]
    public async Task ASP0001_fix_declares_the_method_partial_and_moves_its_body_into_the_core_method()
    {
        var fixedText = await CodeFixHarness.FixAsync(new MakePartialCodeFixProvider(), """
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public class CatalogService
            {
                /// <summary>Stock of a product.</summary>
                [Retry(MaxAttempts = 3)]
                public async Task<int> GetStockAsync(int productId, CancellationToken ct = default)
                {
                    await Task.Delay(1, ct);
                    return productId;
                }

                public int Other() => 1;
            }
            """, "ASP0001", "Make 'GetStockAsync' partial and move its body into 'GetStockCoreAsync'");

        Assert.Equal("""
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public partial class CatalogService
            {
                /// <summary>Stock of a product.</summary>
                [Retry(MaxAttempts = 3)]
                public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);

                private async Task<int> GetStockCoreAsync(int productId, CancellationToken ct)
                {
                    await Task.Delay(1, ct);
                    return productId;
                }

                public int Other() => 1;
            }
            """, fixedText);
    }

    [Fact]
    public async Task ASP0001_fix_keeps_static_and_expression_bodies_makes_private_explicit_and_drops_parameter_attributes_from_the_body()
    {
        var fixedText = await CodeFixHarness.FixAsync(new MakePartialCodeFixProvider(), """
            using System.Threading.Tasks;
            using Aspects;

            public partial class Prices
            {
                [Cached]
                static Task<decimal> GetPriceAsync(string sku, [NotCacheKey] object? trace = null) => Task.FromResult(1m);
            }
            """, "ASP0001", "Make 'GetPriceAsync' partial and move its body into 'GetPriceCoreAsync'");

        Assert.Equal("""
            using System.Threading.Tasks;
            using Aspects;

            public partial class Prices
            {
                [Cached]
                private static partial Task<decimal> GetPriceAsync(string sku, [NotCacheKey] object? trace = null);

                private static Task<decimal> GetPriceCoreAsync(string sku, object? trace) => Task.FromResult(1m);
            }
            """, fixedText);
    }

    [Fact]
    public async Task ASP0001_fix_is_not_offered_when_the_core_method_already_exists_so_no_body_is_lost()
    {
        var (_, actions) = await CodeFixHarness.ActionsAsync(new MakePartialCodeFixProvider(), """
            using System.Threading.Tasks;
            using Aspects;

            public partial class Service
            {
                [Retry]
                public Task<int> GetAsync(int id) => Task.FromResult(id + 1);
                private Task<int> GetCoreAsync(int id) => Task.FromResult(id);
            }
            """, "ASP0001");

        Assert.Empty(actions);
    }

    [Fact]
    public async Task ASP0003_fix_adds_the_core_method_with_the_expected_signature_and_a_throwing_body()
    {
        var fixedText = await CodeFixHarness.FixAsync(new AddCoreMethodCodeFixProvider(), """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public partial class Service
            {
                [Retry]
                public static partial Task<string?> FindAsync<T>(T key, List<int> ids, CancellationToken ct = default) where T : notnull;
            }
            """, "ASP0003", "Add 'FindCoreAsync'");

        Assert.Equal("""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public partial class Service
            {
                [Retry]
                public static partial Task<string?> FindAsync<T>(T key, List<int> ids, CancellationToken ct = default) where T : notnull;

                private static Task<string?> FindCoreAsync<T>(T key, List<int> ids, CancellationToken ct) where T : notnull
                {
                    throw new NotImplementedException();
                }
            }
            """, fixedText);
    }

    [Fact]
    public async Task ASP0003_with_a_near_name_offers_to_rename_the_body_first()
    {
        const string Source = """
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public partial class Weather
            {
                [Retry]
                public partial Task<string> GetForecastAsync(string city, CancellationToken ct = default);
                private Task<string> GetForecastAsyncCore(string city, CancellationToken ct) => Task.FromResult(city);
                private Task<string> GetForecastAsyncCore(int day) => Task.FromResult(GetForecastAsyncCore("x", default).Result + day);
            }
            """;
        var (document, actions) = await CodeFixHarness.ActionsAsync(new AddCoreMethodCodeFixProvider(), Source, "ASP0003");
        Assert.Equal(["Rename 'GetForecastAsyncCore' to 'GetForecastCoreAsync'", "Add 'GetForecastCoreAsync'"], actions.Select(a => a.Title));

        var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
        var solution = Assert.Single(operations.OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>()).ChangedSolution;
        var fixedText = (await solution.GetDocument(document.Id)!.GetTextAsync()).ToString();

        // Only the overload with the declaration's parameters is renamed, and its callers follow it.
        Assert.Equal(Source
            .Replace("private Task<string> GetForecastAsyncCore(string city", "private Task<string> GetForecastCoreAsync(string city", StringComparison.Ordinal)
            .Replace("Task.FromResult(GetForecastAsyncCore(\"x\"", "Task.FromResult(GetForecastCoreAsync(\"x\"", StringComparison.Ordinal), fixedText);
        Assert.True(Infrastructure.GeneratorHarness.Run(fixedText).CompilationProblems.IsEmpty);
    }

    [Fact]
    public async Task ASP0003_fix_for_a_batched_method_adds_the_batch_body()
    {
        var fixedText = await CodeFixHarness.FixAsync(new AddCoreMethodCodeFixProvider(), """
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            namespace Inventory;

            public partial class StockService
            {
                [Batched(MaxBatchSize = 50)]
                public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);
            }
            """, "ASP0003", "Add 'GetStockCoreAsync'");

        Assert.Equal("""
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            namespace Inventory;

            public partial class StockService
            {
                [Batched(MaxBatchSize = 50)]
                public partial Task<int> GetStockAsync(int productId, CancellationToken ct = default);

                private Task<System.Collections.Generic.IReadOnlyDictionary<int, int>> GetStockCoreAsync(System.Collections.Generic.IReadOnlyList<int> keys, CancellationToken cancellationToken)
                {
                    throw new System.NotImplementedException();
                }
            }
            """, fixedText);
    }

    [Fact]
    public async Task ASP0014_fix_leaves_the_parameter_out_of_the_cache_key()
    {
        var fixedText = await CodeFixHarness.FixAsync(new NotCacheKeyCodeFixProvider(), """
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public sealed class Tracer { }

            public partial class Catalog
            {
                [Cached]
                public partial Task<string> GetNameAsync(
                    int id,
                    Tracer tracer,
                    CancellationToken ct = default);

                private Task<string> GetNameCoreAsync(int id, Tracer tracer, CancellationToken ct) => Task.FromResult("n" + id);
            }
            """, "ASP0014", "Mark 'tracer' [NotCacheKey]: it never changes the result");

        Assert.Contains("""
                    int id,
                    [NotCacheKey] Tracer tracer,
                    CancellationToken ct = default);
            """, fixedText);
    }

    [Fact]
    public void Every_fixable_id_is_one_the_generator_reports()
    {
        var generatorIds = Infrastructure.GeneratorDescriptors.All.Select(d => d.Id).ToHashSet();
        var fixable = new Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider[]
        {
            new MakePartialCodeFixProvider(), new AddCoreMethodCodeFixProvider(), new NotCacheKeyCodeFixProvider(),
        }.SelectMany(p => p.FixableDiagnosticIds).ToList();

        Assert.Equal(["ASP0001", "ASP0002", "ASP0003", "ASP0014"], fixable.Order());
        Assert.All(fixable, id => Assert.Contains(id, generatorIds));
    }
}
