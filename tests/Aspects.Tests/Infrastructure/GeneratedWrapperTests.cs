namespace Aspects.Tests.Infrastructure;

/// <summary>
/// Base of the compile-and-run tests: their services are compiled with the Aspects generator, so every
/// call goes through generated wrappers, on a runtime whose clock the test drives.
/// </summary>
public abstract class GeneratedWrapperTests
{
    /// <summary>Every await of a wrapper is bounded, so a broken wrapper fails the test instead of hanging the run.</summary>
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>The fake clock of <see cref="Runtime"/>.</summary>
    protected RecordingTimeProvider Clock { get; } = new();

    /// <summary>A new runtime on <see cref="Clock"/> with a seeded random source.</summary>
    protected AspectRuntime Runtime => new(new AspectRuntimeOptions { TimeProvider = Clock, Random = new Random(1) });
}
