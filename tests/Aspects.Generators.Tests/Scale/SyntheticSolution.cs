namespace Aspects.Generators.Tests.Scale;

/// <summary>
/// A large synthetic code base: <see cref="FileCount"/> files, each a partial service with four annotated
/// methods (one per aspect shape), plus one file without aspects. Shared by the scale tests and the
/// generator benchmarks.
/// </summary>
public static class SyntheticSolution
{
    public const int FileCount = 500;

    public const int MethodsPerFile = 4;

    public const string UnrelatedPath = "Unrelated.cs";

    public static string PathOf(int file) => $"Services/Service{file:D3}.cs";

    /// <summary>Every file: (path, text), the unrelated one last.</summary>
    public static IReadOnlyList<(string Path, string Text)> Files() =>
        [.. Enumerable.Range(0, FileCount).Select(i => (PathOf(i), Service(i, maxAttempts: 3))), (UnrelatedPath, Unrelated(1))];

    public static string Service(int file, int maxAttempts) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Synthetic.Area{{file % 20}};

        public sealed partial class Service{{file}}(AspectRuntime aspects)
        {
            [Retry(MaxAttempts = {{maxAttempts}})]
            public partial Task<int> GetAsync(int id, CancellationToken ct = default);
            private Task<int> GetCoreAsync(int id, CancellationToken ct) => Task.FromResult(id + {{file}});

            [RateLimited(PermitsPerSecond = 100, Mode = RateLimitMode.Reject)]
            public partial string Describe(string name);
            private string DescribeCore(string name) => name + aspects.GetHashCode();

            [Batched(MaxBatchSize = 64)]
            public partial Task<string?> GetNameAsync(Guid id, CancellationToken ct = default);
            private Task<IReadOnlyDictionary<Guid, string?>> GetNameCoreAsync(IReadOnlyList<Guid> ids, CancellationToken ct) =>
                Task.FromResult<IReadOnlyDictionary<Guid, string?>>(new Dictionary<Guid, string?>());

            [Cached(DurationSeconds = 60), Retry]
            public partial ValueTask<decimal> GetPriceAsync(int productId, string currency, CancellationToken ct = default);
            private ValueTask<decimal> GetPriceCoreAsync(int productId, string currency, CancellationToken ct) => new({{file}}m);
        }
        """;

    public static string Unrelated(int value) => $$"""
        namespace Synthetic;

        public static class Clock
        {
            public static int Now() => {{value}};
        }
        """;
}
