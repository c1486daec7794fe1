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
    public void ASP0003_body_named_with_async_before_core_asks_did_you_mean()
    {
        var diagnostic = Single("""
            public partial class Weather
            {
                [Retry]
                public partial Task<string> GetForecastAsync(string city, CancellationToken ct = default);
                private Task<string> GetForecastAsyncCore(string city, CancellationToken ct) => Task.FromResult(city);
            }
            """, "ASP0003", at: "GetForecastAsync");
        Assert.Equal(
            "Method 'GetForecastAsync' has aspects but its body method 'GetForecastCoreAsync' does not exist; did you mean 'GetForecastAsyncCore'? "
            + "It has the expected signature, but the body must be named 'GetForecastCoreAsync': rename 'GetForecastAsyncCore' to 'GetForecastCoreAsync'",
            diagnostic.GetMessage());
    }

    /// <summary>Each near name, and names that are not near or lack the expected signature, through the generator.</summary>
    [Theory]
    [InlineData("GetForecastAsyncCore", true)] // Core and Async swapped
    [InlineData("CoreGetForecastAsync", true)] // Core elsewhere
    [InlineData("GetForecastCore", true)] // no Async
    [InlineData("getForecastCoreAsync", true)] // case
    [InlineData("GetForecastcoreasync", true)] // case
    [InlineData("GetForcastCoreAsync", true)] // one letter missing
    [InlineData("GetForecsatCoreAsync", true)] // two letters swapped
    [InlineData("GetForecastImplAsync", false)] // another word
    [InlineData("GetWeatherCoreAsync", false)] // another name
    [InlineData("FetchForecastCoreAsync", false)] // three edits
    public void ASP0003_asks_did_you_mean_only_for_a_near_name(string body, bool near)
    {
        var diagnostic = Single($$"""
            public partial class Weather
            {
                [Retry]
                public partial Task<string> GetForecastAsync(string city, CancellationToken ct = default);
                private Task<string> {{body}}(string city, CancellationToken ct) => Task.FromResult(city);
            }
            """, "ASP0003", at: "GetForecastAsync");
        Assert.Equal(near, diagnostic.GetMessage().Contains("did you mean '" + body + "'?", StringComparison.Ordinal));
        Assert.Equal(!near, diagnostic.GetMessage().Contains("add 'private async Task<string> GetForecastCoreAsync(string city, CancellationToken ct) { ... }'", StringComparison.Ordinal));
    }

    [Fact]
    public void ASP0003_does_not_suggest_a_near_name_with_another_signature()
    {
        var diagnostic = Single("""
            public partial class Weather
            {
                [Retry]
                public partial Task<string> GetForecastAsync(string city, CancellationToken ct = default);
                private Task<string> GetForecastAsyncCore(string city) => Task.FromResult(city);
                private static Task<string> GetForecastCore(string city, CancellationToken ct) => Task.FromResult(city);
            }
            """, "ASP0003", at: "GetForecastAsync");
        Assert.DoesNotContain("did you mean", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ASP0003_suggests_the_nearest_of_several_near_names()
    {
        var diagnostic = Single("""
            public partial class Weather
            {
                [Retry]
                public partial Task<string> GetForecastAsync(string city);
                private Task<string> GetForcastCoreAsync(string city) => Task.FromResult(city);
                private Task<string> GetForecastAsyncCore(string city) => Task.FromResult(city);
            }
            """, "ASP0003", at: "GetForecastAsync");
        Assert.Contains("did you mean 'GetForecastAsyncCore'?", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The rule against a reference model on random names: near exactly when the names without their first
    /// Core and Async are equal ignoring case, or when a brute-force search finds the edits within the limit.
    /// </summary>
    [Fact]
    public void Near_miss_rule_agrees_with_a_reference_model_on_random_names()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ASPECTS_FUZZ_SEED"), out var configured) ? configured : 20_261_130;
        var random = new Random(seed);
        string[] expectedNames = ["GetCore", "GetCoreAsync", "GetForecastCoreAsync", "LoadCore"];
        const string Alphabet = "GgeEtTCcoOrRAasyn";

        // The rule is compiled into the generator and the code fixes alike (linked source): take the generator's.
        var distance = typeof(AspectsGenerator).Assembly.GetType("Aspects.Generators.Parsing.NearMissName", throwOnError: true)!
            .GetMethod("Distance")!.CreateDelegate<Func<string, string, int>>();
        for (var i = 0; i < 3_000; i++)
        {
            var expected = expectedNames[random.Next(expectedNames.Length)];
            var candidate = Mutate(expected, random, Alphabet);
            var allowed = expected.Length <= 8 ? 1 : 2;
            var referenceNear = candidate != expected
                && (string.Equals(WithoutFirst(WithoutFirst(candidate, "Core"), "Async"), WithoutFirst(WithoutFirst(expected, "Core"), "Async"), StringComparison.OrdinalIgnoreCase)
                    || WithinEdits(candidate.ToUpperInvariant(), expected.ToUpperInvariant(), allowed));
            Assert.True(
                referenceNear == distance(candidate, expected) > 0,
                $"Seed {seed} (ASPECTS_FUZZ_SEED), case {i}: '{candidate}' for '{expected}': the reference says {(referenceNear ? "near" : "not near")}.");
        }

        static string Mutate(string name, Random random, string alphabet)
        {
            for (var edits = random.Next(4); edits > 0; edits--)
            {
                var at = random.Next(name.Length + 1);
                name = random.Next(5) switch
                {
                    0 when name.Length > 1 && at < name.Length => name.Remove(at, 1),
                    1 => name.Insert(at, alphabet[random.Next(alphabet.Length)].ToString()),
                    2 when at + 1 < name.Length => name[..at] + name[at + 1] + name[at] + name[(at + 2)..],
                    3 => name.ToLowerInvariant(),
                    _ => WithoutFirst(name, "Async") + (random.Next(2) == 0 ? "Async" : string.Empty),
                };
            }

            return name;
        }

        static string WithoutFirst(string name, string part) =>
            name.IndexOf(part, StringComparison.OrdinalIgnoreCase) is var index and >= 0 ? name.Remove(index, part.Length) : name;

        // Every edit can be undone by one edit, so 'to' is within 'limit' edits of 'from' exactly when the
        // strings reachable from each with half the edits meet; it enumerates them, trusting no distance formula.
        static bool WithinEdits(string from, string to, int limit)
        {
            var letters = (from + to).Distinct().ToArray();
            return Reachable(from, (limit + 1) / 2, letters).Overlaps(Reachable(to, limit / 2, letters));
        }

        static HashSet<string> Reachable(string start, int edits, char[] letters)
        {
            var reached = new HashSet<string> { start };
            for (var step = 0; step < edits; step++)
            {
                foreach (var text in reached.ToList())
                {
                    for (var at = 0; at <= text.Length; at++)
                    {
                        foreach (var letter in letters)
                        {
                            reached.Add(text.Insert(at, letter.ToString()));
                            if (at < text.Length)
                            {
                                reached.Add(text[..at] + letter + text[(at + 1)..]);
                            }
                        }

                        if (at < text.Length)
                        {
                            reached.Add(text.Remove(at, 1));
                        }

                        if (at + 1 < text.Length)
                        {
                            reached.Add(text[..at] + text[at + 1] + text[at] + text[(at + 2)..]);
                        }
                    }
                }
            }

            return reached;
        }
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
    [InlineData("Backoff = (RetryBackoff)7", "use Constant, Linear or Exponential")]
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

        // One ID, one problem, one descriptor: a message that varies (ASP0003 asks "did you mean" when it can)
        // varies through its arguments, never through a second title or severity.
        Assert.Empty(descriptors.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => g.Key));
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
