using System.Reflection;
using System.Runtime.Loader;
using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>
/// A static <c>[Batched]</c> method of a struct keeps one batcher per type, so it batches like a method
/// of a class: the generated program is compiled, loaded and called.
/// </summary>
public class StructBatchingTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Probe;

        public readonly partial record struct Lookup(int Unused)
        {
            private static int s_batches;
            private static int s_keys;

            public static int Batches => s_batches;

            public static int Keys => s_keys;

            [Batched(MaxBatchSize = 2, MaxDelayMilliseconds = 600000)]
            public static partial Task<string> GetNameAsync(int id);

            private static Task<IReadOnlyDictionary<int, string>> GetNameCoreAsync(IReadOnlyList<int> ids)
            {
                Interlocked.Increment(ref s_batches);
                Interlocked.Add(ref s_keys, ids.Count);
                return Task.FromResult<IReadOnlyDictionary<int, string>>(ids.ToDictionary(id => id, id => "name " + id));
            }
        }
        """;

    [Theory]
    [InlineData("readonly partial struct")]
    [InlineData("partial struct")]
    [InlineData("partial record struct")]
    [InlineData("readonly partial record struct")]
    public void Instance_batched_method_of_a_struct_is_reported_and_gets_no_wrapper(string declaration)
    {
        var run = GeneratorHarness.Run($$"""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Aspects;

            public {{declaration}} Lookup
            {
                [Batched, Retry]
                public partial Task<string> GetNameAsync(int id);
                private Task<IReadOnlyDictionary<int, string>> GetNameCoreAsync(IReadOnlyList<int> ids) =>
                    Task.FromResult<IReadOnlyDictionary<int, string>>(new Dictionary<int, string>());
            }
            """);

        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("ASP0020", diagnostic.Id);
        Assert.Equal("GetNameAsync", run.LocatedText(diagnostic));
        Assert.Empty(run.Sources);
    }

    [Fact]
    public async Task Static_batched_method_of_a_readonly_record_struct_batches_calls_together()
    {
        var run = GeneratorHarness.Run(Source).ShouldCompileCleanly();
        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext("struct-batching", isCollectible: true);
        try
        {
            image.Position = 0;
            var lookup = context.LoadFromStream(image).GetType("Probe.Lookup", throwOnError: true)!;
            var get = lookup.GetMethod("GetNameAsync", BindingFlags.Public | BindingFlags.Static)!;

            // MaxBatchSize = 2 flushes on the second key; the ten-minute delay never does.
            var first = (Task<string>)get.Invoke(null, [1])!;
            var second = (Task<string>)get.Invoke(null, [2])!;
            var names = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(["name 1", "name 2"], names);
            Assert.Equal(1, (int)lookup.GetProperty("Batches")!.GetValue(null)!);
            Assert.Equal(2, (int)lookup.GetProperty("Keys")!.GetValue(null)!);
        }
        finally
        {
            context.Unload();
        }
    }
}
