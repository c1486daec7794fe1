using System.Collections.Immutable;
using Aspects.Generators.Analyzers;
using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aspects.Generators.Tests;

/// <summary>
/// ASP0030 and up: legal uses that probably do not do what was meant get a warning that says why, and
/// the warning can be silenced where the use is intended.
/// </summary>
public class AdvisoryWarningTests
{
    private const string Usings = """
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        """;

    [Fact]
    public async Task ASP0030_cached_instance_method_without_key_parameters_shares_one_entry_across_instances()
    {
        var diagnostics = await AnalyzeAsync("""
            public partial class Account(string owner)
            {
                [Cached]
                public partial Task<decimal> GetBalanceAsync(CancellationToken ct = default);
                private Task<decimal> GetBalanceCoreAsync(CancellationToken ct) => Task.FromResult((decimal)owner.Length);
            }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("ASP0030", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("GetBalanceAsync", Located(diagnostic));
        Assert.Contains("every instance of 'Account' shares one cached result", diagnostic.GetMessage());
    }

    [Fact]
    public async Task ASP0030_counts_NotCacheKey_parameters_as_no_key()
    {
        var diagnostics = await AnalyzeAsync("""
            public partial class Account
            {
                [Cached]
                public partial Task<decimal> GetBalanceAsync([NotCacheKey] string? traceId = null);
                private Task<decimal> GetBalanceCoreAsync(string? traceId) => Task.FromResult(1m);
            }
            """);

        Assert.Equal("ASP0030", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public async Task Cached_static_method_or_method_with_a_key_gets_no_warning()
    {
        var diagnostics = await AnalyzeAsync("""
            public partial class Rates
            {
                [Cached]
                public static partial Task<decimal> GetDefaultRateAsync(CancellationToken ct = default);
                private static Task<decimal> GetDefaultRateCoreAsync(CancellationToken ct) => Task.FromResult(1m);

                [Cached]
                public partial Task<decimal> GetRateAsync(string currency, CancellationToken ct = default);
                private Task<decimal> GetRateCoreAsync(string currency, CancellationToken ct) => Task.FromResult(1m);
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData("CreateOrderAsync")]
    [InlineData("InsertRow")]
    [InlineData("AddItemAsync")]
    [InlineData("SendEmailAsync")]
    [InlineData("PostAsync")]
    [InlineData("Charge")]
    public async Task ASP0031_retry_on_a_method_named_like_a_side_effect(string name)
    {
        var diagnostics = await AnalyzeAsync(RetriedMethod(name));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("ASP0031", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(name, Located(diagnostic));
        Assert.Contains("make the operation idempotent", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("GetOrderAsync")]
    [InlineData("AddressLookupAsync")]
    [InlineData("PostcodeOf")]
    [InlineData("FindSender")]
    public async Task Retry_on_a_read_or_on_a_name_that_only_begins_with_the_letters_of_a_verb_gets_no_warning(string name)
    {
        Assert.Empty(await AnalyzeAsync(RetriedMethod(name)));
    }

    [Fact]
    public async Task Pragma_silences_a_warning_where_the_use_is_intended()
    {
        var diagnostics = await AnalyzeAsync("""
            public partial class Orders
            {
            #pragma warning disable ASP0031 // the order service deduplicates by request id
                [Retry]
                public partial Task<int> CreateOrderAsync(string requestId);
            #pragma warning restore ASP0031
                private Task<int> CreateOrderCoreAsync(string requestId) => Task.FromResult(1);
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task Editorconfig_severity_none_silences_a_warning_for_the_project()
    {
        var options = new Dictionary<string, ReportDiagnostic> { ["ASP0031"] = ReportDiagnostic.Suppress };

        Assert.Empty(await AnalyzeAsync(RetriedMethod("SendAsync"), options));
        Assert.Single(await AnalyzeAsync(RetriedMethod("SendAsync")));
    }

    [Fact]
    public async Task ASP0052_rate_limit_partition_on_a_method_that_is_not_rate_limited()
    {
        var diagnostics = await AnalyzeAsync("""
            public partial class Quotes
            {
                [Cached]
                public partial Task<decimal> GetAsync([RateLimitPartition] string tenant);
                private Task<decimal> GetCoreAsync(string tenant) => Task.FromResult(1m);
            }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("ASP0052", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("tenant", Located(diagnostic));
        Assert.Contains("'GetAsync' has no [RateLimited], so nothing is partitioned", diagnostic.GetMessage());
    }

    [Fact]
    public async Task ASP0052_not_reported_for_a_rate_limited_method()
    {
        Assert.Empty(await AnalyzeAsync("""
            public partial class Quotes
            {
                [RateLimited(PermitsPerSecond = 5, Mode = RateLimitMode.Reject)]
                public partial Task<decimal> GetAsync([RateLimitPartition] string tenant);
                private Task<decimal> GetCoreAsync(string tenant) => Task.FromResult(1m);
            }
            """));
    }

    private static string RetriedMethod(string name) => $$"""
        public partial class Client
        {
            [Retry]
            public partial Task<int> {{name}}(string value);
            private Task<int> {{name.Replace("Async", "") + "Core" + (name.EndsWith("Async") ? "Async" : "")}}(string value) => Task.FromResult(value.Length);
        }
        """;

    /// <summary>Runs the generator, then the analyzer over the generated program, which must compile.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source, Dictionary<string, ReportDiagnostic>? options = null)
    {
        var compilation = GeneratorHarness.Compile(Usings + source);
        if (options is not null)
        {
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(options));
        }

        var run = GeneratorHarness.Run(compilation);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return await run.Output.WithAnalyzers([new AspectUsageAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    private static string Located(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
}
