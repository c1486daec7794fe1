using Aspects.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Tests;

/// <summary>Generated code compiles warning-free whatever the user's project looks like.</summary>
public class GeneratedCodeQualityTests
{
    private const string Service = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Aspects;

        namespace Shop
        {
            public partial class CatalogService
            {
                private readonly AspectRuntime _runtime = new AspectRuntime();

                [Retry]
                public partial Task<string> GetNameAsync(int id, string culture, CancellationToken ct = default);
                private Task<string> GetNameCoreAsync(int id, string culture, CancellationToken ct) => Task.FromResult(culture);

                [Retry(Handle = new[] { typeof(TimeoutException) })]
                public partial ValueTask SaveAsync(string name);
                private ValueTask SaveCoreAsync(string name) => default;

                [Retry]
                public partial string Describe(object value);
                private string DescribeCore(object value) => value.ToString() ?? "";
            }
        }
        """;

    [Theory]
    [InlineData(NullableContextOptions.Enable)]
    [InlineData(NullableContextOptions.Disable)]
    [InlineData(NullableContextOptions.Warnings)]
    [InlineData(NullableContextOptions.Annotations)]
    public void Generated_code_is_warning_free_in_every_nullable_context(NullableContextOptions nullable)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile(nullable, Service));

        run.ShouldCompileCleanly();
        Assert.Equal(3, run.Sources.Count);
    }

    [Fact]
    public void User_types_named_like_ours_do_not_capture_generated_names()
    {
        // Every name in generated code is global::-qualified, so these shadowing types change nothing.
        var run = GeneratorHarness.Run("""
            namespace Shop
            {
                public class Task { }
                public class ValueTask { }
                public class Exception { }
                public class TimeSpan { }
                public class CancellationToken { }
                public class AspectRuntime { }
                public class RetryBackoff { }
                public class Threading { }
                public class System { }

                public partial class CatalogService
                {
                    private readonly global::Aspects.AspectRuntime _runtime = new global::Aspects.AspectRuntime();

                    [global::Aspects.Retry]
                    public partial global::System.Threading.Tasks.Task<string> GetNameAsync(int id, global::System.Threading.CancellationToken ct = default);
                    private global::System.Threading.Tasks.Task<string> GetNameCoreAsync(int id, global::System.Threading.CancellationToken ct) =>
                        global::System.Threading.Tasks.Task.FromResult("x");

                    [global::Aspects.Retry(Handle = new[] { typeof(global::System.TimeoutException) })]
                    public partial global::System.Threading.Tasks.ValueTask SaveAsync(string name);
                    private global::System.Threading.Tasks.ValueTask SaveCoreAsync(string name) => default;
                }
            }
            """);

        run.ShouldCompileCleanly();
        Assert.Equal(2, run.Sources.Count);
    }
}
