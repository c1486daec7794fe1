using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Tests;

/// <summary>
/// Every member the generator adds is checked against the user's members: a clash is an ASP diagnostic on
/// the user's code, never a compiler error inside generated code.
/// </summary>
public class GeneratedMemberClashTests
{
    /// <summary>Methods whose wrappers, together, add every kind of member the generator writes, overloaded.</summary>
    private const string EveryKindOfMember = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Shop;

        public partial class Catalog
        {
            [Cached(Policy = "products"), Retry(Policy = "retry"), RateLimited(PermitsPerSecond = 5, Policy = "limit")]
            public static partial Task<string> GetAsync(int id);
            private static Task<string> GetCoreAsync(int id) => Task.FromResult("");

            [Batched(Policy = "batch"), Retry]
            public partial Task<string> GetAsync(Guid id, CancellationToken ct = default);
            private Task<IReadOnlyDictionary<Guid, string>> GetCoreAsync(IReadOnlyList<Guid> ids, CancellationToken ct) =>
                Task.FromResult<IReadOnlyDictionary<Guid, string>>(new Dictionary<Guid, string>());

            [InvalidatesCache(nameof(Find)), Retry]
            public static partial Task SetAsync(string sku);
            private static Task SetCoreAsync(string sku) => Task.CompletedTask;

            [Cached]
            public static partial Task<string> Find(string sku);
            private static Task<string> FindCore(string sku) => Task.FromResult(sku);
        }

        """;

    [Fact]
    public void A_user_member_with_any_name_the_generator_uses_is_reported_on_the_user_member()
    {
        var names = GeneratedMemberNames(GeneratorHarness.Run(EveryKindOfMember).ShouldCompileCleanly());

        // Every kind: the inner method, cache definition and key builder, batcher and loader, the batch, retry and rate-limit definitions, Invalidate.
        foreach (var prefix in new[] { "__aspectsInner_", "__aspectsCache_", "__aspectsCacheKey_", "__aspectsBatcher_", "__aspectsLoadBatch_",
            "__aspectsBatch_", "__aspectsRetry_", "__aspectsRateLimit_", "InvalidateGetAsync", "InvalidateFind" })
        {
            Assert.Contains(names, name => name.StartsWith(prefix, StringComparison.Ordinal));
        }

        foreach (var name in names)
        {
            var source = EveryKindOfMember + "public partial class Catalog { public static readonly int " + name + " = 0; }\n";
            var run = GeneratorHarness.Run(source);

            var errors = run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var expected = name.StartsWith("__aspects", StringComparison.Ordinal) ? "ASP0021" : "ASP0022";
            Assert.True(errors.Count == 1 && errors[0].Id == expected, $"'{name}': expected one {expected}, got: {string.Join("; ", errors)}");
            Assert.Contains("'" + name + "'", errors[0].GetMessage(), StringComparison.Ordinal);
            Assert.Equal(expected == "ASP0021" ? name : run.LocatedText(errors[0]), run.LocatedText(errors[0]));

            // Nothing is reported inside generated code: the only compiler errors are the user's (the field's
            // own clash with the un-generated member is impossible, so only CS8795 on the unimplemented method).
            var generatedErrors = run.Output.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && !tree.FilePath.StartsWith("Source", StringComparison.Ordinal))
                .ToList();
            Assert.True(generatedErrors.Count == 0, $"'{name}': errors in generated code: {string.Join("; ", generatedErrors)}");
        }
    }

    [Fact]
    public void Cached_overloads_with_the_same_key_types_are_reported_on_every_overload_but_the_first()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public partial class Catalog
            {
                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetProductAsync(int id);
                private Task<string> GetProductCoreAsync(int id) => Task.FromResult("");

                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetProductAsync(int id, CancellationToken ct);
                private Task<string> GetProductCoreAsync(int id, CancellationToken ct) => Task.FromResult("");

                [Cached(DurationSeconds = 60)]
                public partial Task<string> GetProductAsync(int id, [NotCacheKey] string trace);
                private Task<string> GetProductCoreAsync(int id, string trace) => Task.FromResult("");
            }
            """);

        var errors = run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal([11, 15], errors.Select(e => e.Location.GetLineSpan().StartLinePosition.Line));
        Assert.All(errors, error => Assert.Equal("ASP0022", error.Id));
        Assert.All(errors, error => Assert.Equal("GetProductAsync", run.LocatedText(error)));

        // The first overload is generated, with its InvalidateGetProductAsync; the others wait for a fix.
        Assert.Single(run.Sources);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795"));
    }

    private static List<string> GeneratedMemberNames(GeneratorRun run) =>
        [.. run.Result.GeneratedTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>())
            .Select(member => member switch
            {
                MethodDeclarationSyntax method when !method.Modifiers.Any(m => m.Text == "partial") => method.Identifier.Text,
                FieldDeclarationSyntax field => field.Declaration.Variables[0].Identifier.Text,
                _ => null,
            })
            .OfType<string>()
            .Distinct()];
}
