namespace Aspects.Tests.Infrastructure;

/// <summary>
/// Tests that count the bytes their own thread allocates run alone, after the parallel ones: a meter listener
/// another test holds (a <c>MetricCollector</c>) records each measurement on the thread that makes it, so
/// beside such a test a hit or permit that allocates nothing of its own would be charged for the listener's copy.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationSensitive
{
    /// <summary>The collection's name, for <c>[Collection(AllocationSensitive.Name)]</c>.</summary>
    public const string Name = "Allocation-sensitive";
}
