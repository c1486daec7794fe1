namespace Aspects.Policies;

/// <summary>
/// Named policies that <c>Policy = "name"</c> on an aspect attribute takes its settings from; a value a
/// policy leaves unset keeps the attribute's value. Names are case-insensitive, like configuration keys.
/// </summary>
/// <remarks>
/// Set them in code through <see cref="AspectRuntimeOptions.Policies"/> (and later with
/// <see cref="AspectRuntime.UpdatePolicies"/>), or bind them from configuration with
/// <c>services.AddAspects(a =&gt; a.UseConfiguration(configuration.GetSection("Aspects")))</c>, which
/// also reloads them when the configuration changes. See <c>docs/configuration.md</c>.
/// </remarks>
public sealed class AspectPolicies
{
    /// <summary>Policies of <c>[Cached(Policy = ...)]</c> methods (configuration section <c>Aspects:Cache</c>).</summary>
    public IDictionary<string, CachePolicy> Cache { get; } = new Dictionary<string, CachePolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Policies of <c>[RateLimited(Policy = ...)]</c> methods (configuration section <c>Aspects:RateLimits</c>).</summary>
    public IDictionary<string, RateLimitPolicy> RateLimits { get; } = new Dictionary<string, RateLimitPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Policies of <c>[Retry(Policy = ...)]</c> methods (configuration section <c>Aspects:Retry</c>).</summary>
    public IDictionary<string, RetryPolicy> Retry { get; } = new Dictionary<string, RetryPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Policies of <c>[Batched(Policy = ...)]</c> methods (configuration section <c>Aspects:Batching</c>).</summary>
    public IDictionary<string, BatchingPolicy> Batching { get; } = new Dictionary<string, BatchingPolicy>(StringComparer.OrdinalIgnoreCase);

    // Problems found while reading configuration (bad numbers, unknown keys); each names its full key.
    internal List<string> ConfigurationErrors { get; } = [];

    // Where the policies came from, so validation messages name keys the user can find.
    internal string SourcePath { get; set; } = "AspectRuntimeOptions.Policies";

    /// <summary>
    /// Checks every value and returns one message per bad one, naming its key
    /// (<c>Aspects:Retry:payments:MaxAttempts</c> when read from configuration); empty when all are valid.
    /// </summary>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(ConfigurationErrors);
        Validate(errors, PolicyConfigurationReader.CacheSection, Cache, static (p, path, e) => p.Validate(path, e));
        Validate(errors, PolicyConfigurationReader.RateLimitsSection, RateLimits, static (p, path, e) => p.Validate(path, e));
        Validate(errors, PolicyConfigurationReader.RetrySection, Retry, static (p, path, e) => p.Validate(path, e));
        Validate(errors, PolicyConfigurationReader.BatchingSection, Batching, static (p, path, e) => p.Validate(path, e));
        return errors;
    }

    private void Validate<TPolicy>(List<string> errors, string section, IDictionary<string, TPolicy> policies, Action<TPolicy, string, List<string>> validate)
        where TPolicy : class
    {
        foreach (var (name, policy) in policies)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{Path(section, string.Empty).TrimEnd(':')} has a policy with an empty name; policies are looked up by the attribute's Policy name.");
            }

            if (policy is not null)
            {
                validate(policy, Path(section, name), errors);
            }
        }
    }

    private string Path(string section, string name) => (SourcePath.Length == 0 ? string.Empty : SourcePath + ":") + section + ":" + name;
}
