using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Tests;

/// <summary>Every ASP diagnostic: its ID, where it points, and a message that says how to fix it.</summary>
public class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    [Fact]
    public void ASP0001_method_that_is_not_partial()
    {
        var diagnostic = Single("""
            public partial class Service
            {
                [Retry]
                public Task<int> GetAsync(int id) => Task.FromResult(id);
                private Task<int> GetCoreAsync(int id) => Task.FromResult(id);
            }
            """, "ASP0001", at: "GetAsync");
        Assert.Contains("declare it as 'partial' without a body and move the body into 'GetCoreAsync'", diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0002_every_enclosing_type_that_is_not_partial()
    {
        var run = GeneratorHarness.Run(Usings + """
            public class Outer
            {
                public class Service
                {
                    [Retry]
                    public partial Task<int> GetAsync(int id);
                    private Task<int> GetCoreAsync(int id) => Task.FromResult(id);
                }
            }
            """);
        var diagnostics = run.Diagnostics.Where(d => d.Id == "ASP0002").ToList();
        Assert.Equal(["Outer", "Service"], diagnostics.Select(run.LocatedText).Order());
        Assert.Contains("add the 'partial' modifier to 'Service'", diagnostics.Single(d => run.LocatedText(d) == "Service").GetMessage());
    }

    [Fact]
    public void ASP0003_missing_body_method_shows_the_expected_signature()
    {
        var diagnostic = Single("""
            public partial class Service
            {
                [Retry]
                public static partial Task<string?> FindAsync<T>(T key, CancellationToken ct = default);
            }
            """, "ASP0003", at: "FindAsync");
        Assert.Contains(
            "add 'private static async Task<string?> FindCoreAsync<T>(T key, CancellationToken ct) { ... }'",
            diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0004_body_method_with_the_wrong_signature_points_at_the_body()
    {
        var diagnostic = Single("""
            public partial class Service
            {
                [Retry]
                public partial Task<int> GetAsync(int id, CancellationToken ct);
                private Task<long> GetCoreAsync(int id) => Task.FromResult(1L);
            }
            """, "ASP0004", at: "GetCoreAsync");
        Assert.Contains("declare it as 'private async Task<int> GetCoreAsync(int id, CancellationToken ct)'", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("ref int count", "ref")]
    [InlineData("out int count", "out")]
    [InlineData("in int count", "in")]
    public void ASP0005_by_reference_parameters(string parameter, string kind)
    {
        var diagnostic = Single($$"""
            public partial class Service
            {
                [Retry]
                public partial void Count({{parameter}});
                private void CountCore({{parameter}}) => throw new NotSupportedException();
            }
            """, "ASP0005", at: parameter);
        Assert.Contains($"is passed by '{kind}'", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("ref int", "private int _value; private ref int GetCore() => ref _value;")]
    [InlineData("System.Collections.Generic.IAsyncEnumerable<int>", "private System.Collections.Generic.IAsyncEnumerable<int> GetCore() => null!;")]
    [InlineData("System.Runtime.CompilerServices.YieldAwaitable", "private System.Runtime.CompilerServices.YieldAwaitable GetCore() => Task.Yield();")]
    public void ASP0006_unsupported_return_types(string returnType, string body)
    {
        var diagnostic = Single($$"""
            public partial class Service
            {
                [Retry]
                public partial {{returnType}} Get();
                {{body}}
            }
            """, "ASP0006", at: returnType);
        Assert.Contains("return Task, Task<T>, ValueTask, ValueTask<T>, void or a plain value", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("MaxAttempts = 0", "at least 1")]
    [InlineData("DelayMilliseconds = -1", "cannot be negative")]
    [InlineData("DelayMilliseconds = 500, MaxDelayMilliseconds = 100", "at least DelayMilliseconds (500)")]
    [InlineData("Backoff = (RetryBackoff)7", "RetryBackoff.Constant")]
    public void ASP0007_invalid_retry_values_point_at_the_argument(string arguments, string why)
    {
        var diagnostic = Single($$"""
            public partial class Service
            {
                [Retry({{arguments}})]
                public partial Task GetAsync();
                private Task GetCoreAsync() => Task.CompletedTask;
            }
            """, "ASP0007", at: arguments.Split(", ").Last());
        Assert.Contains(why, diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0008_partial_method_that_already_has_a_body()
    {
        var diagnostic = Single("""
            public partial class Service
            {
                [Retry]
                public partial Task GetAsync();
                public partial Task GetAsync() => Task.CompletedTask;
                private Task GetCoreAsync() => Task.CompletedTask;
            }
            """, "ASP0008", at: "GetAsync");
        Assert.Contains("delete the implementing declaration and move the body into 'GetCoreAsync'", diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0009_handle_type_that_is_not_an_exception()
    {
        var diagnostic = Single("""
            public partial class Service
            {
                [Retry(Handle = [typeof(TimeoutException), typeof(string)])]
                public partial Task GetAsync();
                private Task GetCoreAsync() => Task.CompletedTask;
            }
            """, "ASP0009", at: "Handle = [typeof(TimeoutException), typeof(string)]");
        Assert.Contains("'string', which does not derive from System.Exception", diagnostic.GetMessage());
    }

    [Fact]
    public void ASP0010_local_function()
    {
        var diagnostic = Single("""
            public partial class Service
            {
                public void Run()
                {
                    [Retry]
                    static void Local() { }
                    Local();
                }
            }
            """, "ASP0010", at: null);
        Assert.Contains("cannot be applied to local function 'Local'", diagnostic.GetMessage());
    }

    [Fact]
    public void Every_descriptor_has_a_help_link_into_the_diagnostics_doc()
    {
        var descriptors = GeneratorDescriptors.All;
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics.md"));
        Assert.NotEmpty(descriptors);
        Assert.All(descriptors, descriptor =>
        {
            Assert.Matches("^ASP[0-9]{4}$", descriptor.Id);
            Assert.EndsWith("docs/diagnostics.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.Contains("## " + descriptor.Id, doc);
        });
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
    }


    /// <summary>Runs the generator and asserts exactly one diagnostic with <paramref name="id"/>, located on <paramref name="at"/>.</summary>
    private static Diagnostic Single(string source, string id, string? at)
    {
        var run = GeneratorHarness.Run(Usings + source);
        var diagnostics = run.Diagnostics;
        var matching = diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}, got: {string.Join("; ", diagnostics)}");
        var diagnostic = matching[0];
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        if (at is not null)
        {
            Assert.Equal(at, run.LocatedText(diagnostic));
        }

        Assert.Empty(run.Sources);
        return diagnostic;
    }
}
