namespace Aspects.Generators.Model;

/// <summary>The <c>[RateLimited]</c> settings of a method, already validated and resolved.</summary>
/// <param name="Name">The bucket name (the attribute's, or the method's full name).</param>
/// <param name="PermitsPerSecond">The refill rate, as C# source text (round-trippable).</param>
/// <param name="Burst">The bucket capacity, resolved (never 0).</param>
/// <param name="Mode">The <c>RateLimitMode</c> member name.</param>
/// <param name="MaxWaitMilliseconds">The longest wait in Wait mode.</param>
/// <param name="Scope">The <c>RateLimitScope</c> member name.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
/// <param name="ConfiguredBurst">The burst as written (0 = follow the rate), the default a policy starts from.</param>
/// <param name="Partition">The <c>[RateLimitPartition]</c> parameter, or <see langword="null"/> for one bucket.</param>
internal sealed record RateLimitModel(
    string Name,
    string PermitsPerSecond,
    int Burst,
    string Mode,
    int MaxWaitMilliseconds,
    string Scope,
    string? Policy = null,
    int ConfiguredBurst = 0,
    RateLimitPartitionModel? Partition = null);

/// <summary>The parameter whose value selects a <c>[RateLimited]</c> method's bucket.</summary>
/// <param name="Parameter">The parameter name, escaped for C#.</param>
/// <param name="Type">Its fully qualified type.</param>
/// <param name="Shape">Its key shape (a leaf: the partition key is one cache-key segment).</param>
internal sealed record RateLimitPartitionModel(string Parameter, string Type, KeyShape Shape);
