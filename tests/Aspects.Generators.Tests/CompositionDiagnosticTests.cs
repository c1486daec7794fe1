using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Tests;

/// <summary>Diagnostics of [RateLimited], [Batched], [Cached] and [InvalidatesCache].</summary>
public class CompositionDiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    [Theory]
    [InlineData("PermitsPerSecond = 0", "PermitsPerSecond = 0", "above 0")]
    [InlineData("PermitsPerSecond = 5, Burst = -1", "Burst = -1", "capacity")]
    [InlineData("PermitsPerSecond = 5, MaxWaitMilliseconds = -5", "MaxWaitMilliseconds = -5", "cannot be negative")]
    [InlineData("PermitsPerSecond = 5, Name = \" \"", "Name = \" \"", "needs a name")]
    public void ASP0007_invalid_rate_limit_values(string arguments, string at, string why)
    {
        var (run, diagnostic) = Single($$"""
            public partial class Client
            {
                [RateLimited({{arguments}})]
                public partial Task CallAsync();
                private Task CallCoreAsync() => Task.CompletedTask;
            }
            """, "ASP0007");
        Assert.Equal(at, run.LocatedText(diagnostic));
        Assert.Contains(why, diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0012_synchronous_wait_mode_warns_but_still_generates()
    {
        var run = GeneratorHarness.Run(Usings + """
            public partial class Client
            {
                [RateLimited(PermitsPerSecond = 5)]
                public partial int Call();
                private int CallCore() => 1;
            }
            """);
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("ASP0012", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("Call", run.LocatedText(diagnostic));
        Assert.Single(run.Sources);
    }

    [Theory]
    [InlineData("public partial Task<int> GetAsync(int a, int b);", "takes 2 key parameters")]
    [InlineData("public partial int Get(int id);", "return Task<TValue> or ValueTask<TValue>")]
    [InlineData("public partial Task<int> GetAsync<T>(int id);", "generic method")]
    [InlineData("public partial Task<int> GetAsync(string? id);", "is nullable")]
    public void ASP0011_batched_method_shapes(string declaration, string why)
    {
        var (run, diagnostic) = Single($$"""
            public partial class Stock
            {
                [Batched]
                {{declaration}}
            }
            """, "ASP0011");
        Assert.Contains(why, diagnostic.GetMessage());
        Assert.StartsWith("Get", run.LocatedText(diagnostic));
    }

    [Fact]
    public void ASP0004_batched_body_with_a_single_key_shows_the_batch_signature()
    {
        var (run, diagnostic) = Single("""
            public partial class Stock
            {
                [Batched]
                public partial Task<int> GetAsync(int id, CancellationToken ct = default);
                private Task<int> GetCoreAsync(int id, CancellationToken ct) => Task.FromResult(id);
            }
            """, "ASP0004");
        Assert.Equal("GetCoreAsync", run.LocatedText(diagnostic));
        Assert.Contains("private async Task<IReadOnlyDictionary<int, int>> GetCoreAsync(IReadOnlyList<int> keys, CancellationToken cancellationToken)", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("public partial Task RefreshAsync(int id);", "Task RefreshCoreAsync(int id) => Task.CompletedTask;", "it returns 'Task', which completes without a result, so there is nothing to cache; return Task<T> or ValueTask<T>")]
    [InlineData("public partial ValueTask RefreshAsync(int id);", "ValueTask RefreshCoreAsync(int id) => default;", "it returns 'ValueTask', which completes without a result, so there is nothing to cache; return Task<T> or ValueTask<T>")]
    [InlineData("public partial void Refresh(int id);", "void RefreshCore(int id) { }", "it returns void, so there is no result to cache; return the result itself (T), Task<T> or ValueTask<T>")]
    public void ASP0013_cached_method_without_a_result(string declaration, string body, string why)
    {
        var (_, diagnostic) = Single($$"""
            public partial class Catalog
            {
                [Cached]
                {{declaration}}
                private {{body}}
            }
            """, "ASP0013");
        Assert.Contains(why, diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0014_unsupported_key_type_says_to_key_on_what_identifies_the_result_before_NotCacheKey()
    {
        var (run, diagnostic) = Single("""
            public sealed class Filter { }
            public partial class Catalog
            {
                [Cached]
                public partial Task<int> CountAsync(Filter filter);
                private Task<int> CountCoreAsync(Filter filter) => Task.FromResult(0);
            }
            """, "ASP0014");
        Assert.Equal("Filter filter", run.LocatedText(diagnostic));
        Assert.Contains(
            "key on the values that identify the result (numbers, strings, dates, enums, Guid, or a record or tuple of them); "
            + "mark it [NotCacheKey] only if it never changes the result", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("\"Nope\"", "is not a [Cached] method")]
    [InlineData("nameof(GetAsync)", "names 2 [Cached] overloads")]
    public void ASP0015_invalidation_target_must_be_one_cached_method(string target, string why)
    {
        var (_, diagnostic) = Single($$"""
            public partial class Catalog
            {
                [Cached] public partial Task<int> GetAsync(int id);
                private Task<int> GetCoreAsync(int id) => Task.FromResult(id);
                [Cached] public partial Task<int> GetAsync(string name);
                private Task<int> GetCoreAsync(string name) => Task.FromResult(0);

                [InvalidatesCache({{target}})]
                public partial Task SaveAsync(int id);
                private Task SaveCoreAsync(int id) => Task.CompletedTask;
            }
            """, "ASP0015");
        Assert.Contains(why, diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0016_invalidating_method_must_have_the_key_parameters()
    {
        var (_, diagnostic) = Single("""
            public partial class Catalog
            {
                [Cached] public partial Task<int> GetAsync(int id);
                private Task<int> GetCoreAsync(int id) => Task.FromResult(id);

                [InvalidatesCache(nameof(GetAsync))]
                public partial Task SaveAsync(int productId);
                private Task SaveCoreAsync(int productId) => Task.CompletedTask;
            }
            """, "ASP0016");
        Assert.Contains("it needs a parameter 'id' of type 'int'", diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0017_cached_and_invalidating_on_one_method()
    {
        var (_, diagnostic) = Single("""
            public partial class Catalog
            {
                [Cached] public partial Task<int> GetAsync(int id);
                private Task<int> GetCoreAsync(int id) => Task.FromResult(id);

                [Cached]
                [InvalidatesCache(nameof(GetAsync))]
                public partial Task<int> TouchAsync(int id);
                private Task<int> TouchCoreAsync(int id) => Task.FromResult(id);
            }
            """, "ASP0017");
        Assert.Contains("[Cached] with [InvalidatesCache]", diagnostic.GetMessage());
    }

    private static (GeneratorRun Run, Diagnostic Diagnostic) Single(string source, string id)
    {
        var run = GeneratorHarness.Run(Usings + source);
        var matching = run.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}, got: {string.Join("; ", run.Diagnostics)}");
        return (run, matching[0]);
    }
}
