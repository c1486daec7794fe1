using System.Diagnostics;
using System.Reflection;

namespace Aspects.Tests.Debugging;

/// <summary>
/// Generated wrappers are ordinary code you can step into, and a failing body shows up in the stack trace
/// as the user's <c>{Name}Core</c> frame, whichever aspects are in between.
/// </summary>
public partial class SteppableWrapperTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Failing_body_of_a_cached_method_shows_its_core_frame_in_the_stack_trace()
    {
        var service = new Service(new AspectRuntime());

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => service.GetNameAsync(1).WaitAsync(Bound));

        Assert.Equal("name lookup failed", exception.Message);
        Assert.Contains(nameof(Service.GetNameCoreAsync), exception.StackTrace);
    }

    [Fact]
    public async Task Failing_batch_body_shows_its_core_frame_in_the_stack_trace_of_every_caller()
    {
        var service = new Service(new AspectRuntime());

        var calls = new[] { 1, 2 }.Select(id => service.GetStockAsync(id)).ToArray();

        foreach (var call in calls)
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(Bound));
            Assert.Equal("stock lookup failed", exception.Message);
            Assert.Contains(nameof(Service.GetStockCoreAsync), exception.StackTrace);
        }
    }

    [Theory]
    [InlineData(nameof(Service.GetNameAsync))]
    [InlineData(nameof(Service.GetStockAsync))]
    public void Wrappers_are_not_hidden_from_the_debugger(string wrapper)
    {
        var method = typeof(Service).GetMethod(wrapper, BindingFlags.Public | BindingFlags.Instance)!;

        Assert.NotNull(method.GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>());
        Assert.Null(method.GetCustomAttribute<DebuggerStepThroughAttribute>());
        Assert.Null(method.GetCustomAttribute<DebuggerHiddenAttribute>());
        Assert.Null(method.GetCustomAttribute<DebuggerNonUserCodeAttribute>());
        Assert.Null(typeof(Service).GetCustomAttribute<DebuggerNonUserCodeAttribute>());
    }

    internal sealed partial class Service(AspectRuntime aspects)
    {
        [Cached(DurationSeconds = 60)]
        public partial Task<string> GetNameAsync(int id, CancellationToken cancellationToken = default);

        [Batched(MaxBatchSize = 10, MaxDelayMilliseconds = 0)]
        public partial Task<int> GetStockAsync(int productId, CancellationToken cancellationToken = default);

        internal async Task<string> GetNameCoreAsync(int id, CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            throw new InvalidOperationException("name lookup failed");
        }

        internal async Task<IReadOnlyDictionary<int, int>> GetStockCoreAsync(IReadOnlyList<int> productIds, CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            throw new InvalidOperationException("stock lookup failed");
        }
    }
}
