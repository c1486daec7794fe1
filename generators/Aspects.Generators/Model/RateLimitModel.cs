namespace Aspects.Generators.Model;

/// <summary>The <c>[RateLimited]</c> settings of a method as written, already validated (see <c>Aspects.Rules.RateLimitRules</c>).</summary>
/// <param name="Name">The bucket name (the attribute's, or the method's full name).</param>
/// <param name="PermitsPerSecond">The refill rate in permits per second.</param>
/// <param name="Burst">The burst as written (0 = ceil(PermitsPerSecond), resolved by <c>RateLimitRules.EffectiveBurst</c>).</param>
/// <param name="Mode">The <c>RateLimitMode</c> member, one of <c>RateLimitRules.ModeNames</c>.</param>
/// <param name="MaxWaitMilliseconds">The longest wait in Wait mode.</param>
/// <param name="Scope">The <c>RateLimitScope</c> member, one of <c>RateLimitRules.ScopeNames</c>.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
/// <param name="Partition">The <c>[RateLimitPartition]</c> parameter, or <see langword="null"/> for one bucket.</param>
internal sealed record RateLimitModel(
    string Name,
    double PermitsPerSecond,
    int Burst,
    string Mode,
    int MaxWaitMilliseconds,
    string Scope,
    string? Policy = null,
    RateLimitPartitionModel? Partition = null);

/// <summary>The parameter whose value selects a <c>[RateLimited]</c> method's bucket.</summary>
/// <param name="Parameter">The parameter name, escaped for C#.</param>
/// <param name="Shape">Its key shape (a leaf: the partition key is one cache-key segment); <see cref="KeyShape.Type"/> is the parameter's type.</param>
internal sealed record RateLimitPartitionModel(string Parameter, KeyShape Shape);
