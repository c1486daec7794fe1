using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>The generated code of representative [Retry] methods, reviewed in Snapshots/.</summary>
public class RetrySnapshotTests
{
    [Fact]
    public void Task_of_T_instance_method_with_token_and_primary_constructor_runtime()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop;

            public sealed record Product(int Id, string Name);

            public sealed partial class CatalogService(AspectRuntime aspects)
            {
                [Retry(MaxAttempts = 4, DelayMilliseconds = 100)]
                public partial Task<Product?> GetProductAsync(int id, CancellationToken ct = default);

                // An async body never throws synchronously: the wrapper's fast path needs no try block.
                private async Task<Product?> GetProductCoreAsync(int id, CancellationToken ct)
                {
                    await Task.Yield();
                    return null;
                }
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Task_static_method_with_handled_types_and_constant_backoff_uses_the_default_runtime()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Net.Http;
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop;

            internal static partial class Notifier
            {
                [Retry(MaxAttempts = 5, DelayMilliseconds = 50, Backoff = RetryBackoff.Constant, Jitter = false,
                       Handle = [typeof(HttpRequestException), typeof(TimeoutException)])]
                internal static partial Task NotifyAsync(string message);

                private static Task NotifyCoreAsync(string message) => Task.CompletedTask;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void ValueTask_of_T_generic_method_in_nested_generic_type_with_runtime_field()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop.Storage;

            public partial class Outer<TKey> where TKey : notnull
            {
                protected internal partial struct Repository<TValue> where TValue : class
                {
                    private readonly AspectRuntime _runtime;

                    public Repository(AspectRuntime runtime) => _runtime = runtime;

                    [Retry(Backoff = RetryBackoff.Linear)]
                    public partial ValueTask<TResult?> LoadAsync<TResult>(TKey key, CancellationToken cancellationToken, params string[] fields)
                        where TResult : class, IComparable<TResult>, new();

                    private ValueTask<TResult?> LoadCoreAsync<TResult>(TKey key, CancellationToken cancellationToken, string[] fields)
                        where TResult : class, IComparable<TResult>, new() => default;
                }
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void ValueTask_method_with_token_in_the_middle_and_keyword_parameter_names()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using Aspects;

            public partial class Jobs
            {
                public AspectRuntime? Aspects { get; set; }

                [Retry(MaxAttempts = 2)]
                private protected partial ValueTask RunAsync(string @class, CancellationToken token, int @event = 3);

                private ValueTask RunCoreAsync(string @class, CancellationToken token, int @event) => default;
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void Synchronous_value_and_void_methods_retry_inline()
    {
        var run = GeneratorHarness.Run("""
            using System.IO;
            using Aspects;

            namespace Files;

            public partial class Reader
            {
                [Retry(MaxAttempts = 3, DelayMilliseconds = 10, Handle = [typeof(IOException)])]
                public partial string ReadAll(string path);

                private string ReadAllCore(string path) => File.ReadAllText(path);

                [Retry]
                partial void Touch(string path);

                private void TouchCore(string path) => File.SetLastWriteTimeUtc(path, System.DateTime.UtcNow);
            }
            """).ShouldCompileCleanly();

        Snapshot.Verify(run);
    }

    [Fact]
    public void A_nested_generic_handled_type_is_tested_by_its_qualified_name_and_described_without_global()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Threading.Tasks;
            using Aspects;

            namespace Shop;

            public static class Outer
            {
                public sealed class Failed<T> : Exception;
            }

            public static partial class Client
            {
                [Retry(Handle = [typeof(Outer.Failed<int>), typeof(Outer.Failed<Outer.Failed<string>>)])]
                public static partial Task SendAsync();

                private static Task SendCoreAsync() => Task.CompletedTask;
            }
            """).ShouldCompileCleanly();

        var generated = Assert.Single(run.Sources).SourceText.ToString();

        Assert.Contains("handles Shop.Outer.Failed<int>, Shop.Outer.Failed<Shop.Outer.Failed<string>>.", generated);
        Assert.Contains("__exception is global::Shop.Outer.Failed<int> or global::Shop.Outer.Failed<global::Shop.Outer.Failed<string>>)", generated);
    }
}
