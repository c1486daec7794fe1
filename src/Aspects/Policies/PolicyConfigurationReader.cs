using System.Globalization;
using Aspects.RateLimiting;
using Microsoft.Extensions.Configuration;

namespace Aspects.Policies;

/// <summary>
/// Reads named policies from a configuration section by hand: no reflection (trimming- and AOT-safe), and
/// every problem is reported with the full key that holds it, e.g. <c>Aspects:Retry:payments:MaxAttempts</c>.
/// </summary>
internal static class PolicyConfigurationReader
{
    public const string CacheSection = "Cache";
    public const string RateLimitsSection = "RateLimits";
    public const string RetrySection = "Retry";
    public const string BatchingSection = "Batching";

    // What each section's policies accept, in the order the "not a setting" message lists them.
    private static readonly Setting<CachePolicy>[] CacheSchema =
    [
        IntSetting<CachePolicy>(nameof(CachePolicy.DurationSeconds), static (p, v) => p.DurationSeconds = v),
        IntSetting<CachePolicy>(nameof(CachePolicy.LocalDurationSeconds), static (p, v) => p.LocalDurationSeconds = v),
    ];

    private static readonly Setting<RateLimitPolicy>[] RateLimitSchema =
    [
        DoubleSetting<RateLimitPolicy>(nameof(RateLimitPolicy.PermitsPerSecond), static (p, v) => p.PermitsPerSecond = v),
        IntSetting<RateLimitPolicy>(nameof(RateLimitPolicy.Burst), static (p, v) => p.Burst = v),
        ChoiceSetting<RateLimitPolicy, RateLimitMode>(
            nameof(RateLimitPolicy.Mode), static (p, v) => p.Mode = v, "is not a rate-limit mode; use Wait or Reject",
            (nameof(RateLimitMode.Wait), RateLimitMode.Wait), (nameof(RateLimitMode.Reject), RateLimitMode.Reject)),
        IntSetting<RateLimitPolicy>(nameof(RateLimitPolicy.MaxWaitMilliseconds), static (p, v) => p.MaxWaitMilliseconds = v),
    ];

    private static readonly Setting<RetryPolicy>[] RetrySchema =
    [
        IntSetting<RetryPolicy>(nameof(RetryPolicy.MaxAttempts), static (p, v) => p.MaxAttempts = v),
        IntSetting<RetryPolicy>(nameof(RetryPolicy.DelayMilliseconds), static (p, v) => p.DelayMilliseconds = v),
        IntSetting<RetryPolicy>(nameof(RetryPolicy.MaxDelayMilliseconds), static (p, v) => p.MaxDelayMilliseconds = v),
        ChoiceSetting<RetryPolicy, RetryBackoff>(
            nameof(RetryPolicy.Backoff), static (p, v) => p.Backoff = v, "is not a backoff; use " + Rules.RetryRules.BackoffChoices,
            (nameof(RetryBackoff.Constant), RetryBackoff.Constant), (nameof(RetryBackoff.Linear), RetryBackoff.Linear),
            (nameof(RetryBackoff.Exponential), RetryBackoff.Exponential)),
        BoolSetting<RetryPolicy>(nameof(RetryPolicy.Jitter), static (p, v) => p.Jitter = v),
    ];

    private static readonly Setting<BatchingPolicy>[] BatchingSchema =
    [
        IntSetting<BatchingPolicy>(nameof(BatchingPolicy.MaxBatchSize), static (p, v) => p.MaxBatchSize = v),
        IntSetting<BatchingPolicy>(nameof(BatchingPolicy.MaxDelayMilliseconds), static (p, v) => p.MaxDelayMilliseconds = v),
        BoolSetting<BatchingPolicy>(nameof(BatchingPolicy.ThrowOnMissingKey), static (p, v) => p.ThrowOnMissingKey = v),
        IntSetting<BatchingPolicy>(nameof(BatchingPolicy.MaxConcurrentBatches), static (p, v) => p.MaxConcurrentBatches = v),
        IntSetting<BatchingPolicy>(nameof(BatchingPolicy.MaxQueuedBatches), static (p, v) => p.MaxQueuedBatches = v),
    ];

    /// <summary>Adds the policies of <paramref name="section"/> to <paramref name="policies"/> (a key present in both: configuration wins per value).</summary>
    /// <remarks>Problems go to <see cref="AspectPolicies.ConfigurationErrors"/>, never thrown.</remarks>
    public static void Read(IConfiguration section, AspectPolicies policies)
    {
        var errors = policies.ConfigurationErrors;
        foreach (var group in section.GetChildren())
        {
            // Other children of the section (connection settings and the like) belong to other features.
            if (Is(group.Key, CacheSection))
            {
                ReadGroup(group, policies.Cache, errors, static () => new CachePolicy(), "a cache policy", CacheSchema);
            }
            else if (Is(group.Key, RateLimitsSection))
            {
                ReadGroup(group, policies.RateLimits, errors, static () => new RateLimitPolicy(), "a rate-limit policy", RateLimitSchema);
            }
            else if (Is(group.Key, RetrySection))
            {
                ReadGroup(group, policies.Retry, errors, static () => new RetryPolicy(), "a retry policy", RetrySchema);
            }
            else if (Is(group.Key, BatchingSection))
            {
                ReadGroup(group, policies.Batching, errors, static () => new BatchingPolicy(), "a batching policy", BatchingSchema);
            }
        }
    }

    private static void ReadGroup<TPolicy>(
        IConfigurationSection group,
        IDictionary<string, TPolicy> target,
        List<string> errors,
        Func<TPolicy> create,
        string description,
        Setting<TPolicy>[] settings)
    {
        if (!string.IsNullOrEmpty(group.Value))
        {
            errors.Add($"{group.Path} must be a section of named policies ({group.Path}:{{name}}:{{setting}}), not the value '{group.Value}'.");
            return;
        }

        foreach (var policySection in group.GetChildren())
        {
            if (!string.IsNullOrEmpty(policySection.Value))
            {
                errors.Add($"{policySection.Path} must be a section of settings ({policySection.Path}:{{setting}}), not the value '{policySection.Value}'.");
                continue;
            }

            if (!target.TryGetValue(policySection.Key, out var policy) || policy is null)
            {
                policy = create();
                target[policySection.Key] = policy;
            }

            foreach (var setting in policySection.GetChildren())
            {
                if (Find(settings, setting.Key) is { } known)
                {
                    known.Read(policy, setting, errors);
                }
                else
                {
                    var names = string.Join(", ", settings[..^1].Select(static s => s.Name)) + " and " + settings[^1].Name;
                    errors.Add($"{setting.Path} is not a setting of {description}; the settings are {names}.");
                }
            }
        }
    }

    private static Setting<TPolicy>? Find<TPolicy>(Setting<TPolicy>[] settings, string key)
    {
        foreach (var setting in settings)
        {
            if (Is(key, setting.Name))
            {
                return setting;
            }
        }

        return null;
    }

    private static Setting<TPolicy> IntSetting<TPolicy>(string name, Action<TPolicy, int> set) =>
        new(name, (policy, setting, errors) =>
        {
            if (Int(setting, errors) is { } value)
            {
                set(policy, value);
            }
        });

    private static Setting<TPolicy> DoubleSetting<TPolicy>(string name, Action<TPolicy, double> set) =>
        new(name, (policy, setting, errors) =>
        {
            if (Double(setting, errors) is { } value)
            {
                set(policy, value);
            }
        });

    private static Setting<TPolicy> BoolSetting<TPolicy>(string name, Action<TPolicy, bool> set) =>
        new(name, (policy, setting, errors) =>
        {
            if (Bool(setting, errors) is { } value)
            {
                set(policy, value);
            }
        });

    // An enum read by its member names only (no numbers, no reflection).
    private static Setting<TPolicy> ChoiceSetting<TPolicy, TValue>(
        string name, Action<TPolicy, TValue> set, string why, params (string Name, TValue Value)[] choices) =>
        new(name, (policy, setting, errors) =>
        {
            if (Text(setting, errors) is not { } text)
            {
                return;
            }

            foreach (var choice in choices)
            {
                if (Is(text, choice.Name))
                {
                    set(policy, choice.Value);
                    return;
                }
            }

            errors.Add($"{setting.Path} = '{text}' {why}.");
        });

    // null: unset (empty, as JSON null reads) or unreadable (reported).
    private static string? Text(IConfigurationSection setting, List<string> errors)
    {
        if (setting.Value is null)
        {
            // A key set to null (a removed override) is unset; a nested section is a mistake.
            if (setting.GetChildren().Any())
            {
                errors.Add($"{setting.Path} must be a value, not a section.");
            }

            return null;
        }

        var text = setting.Value.Trim();
        return text.Length == 0 ? null : text;
    }

    private static int? Int(IConfigurationSection setting, List<string> errors) =>
        Text(setting, errors) is { } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : Bad<int>(setting, text, "is not a whole number", errors)
            : null;

    private static double? Double(IConfigurationSection setting, List<string> errors) =>
        Text(setting, errors) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : Bad<double>(setting, text, "is not a number (use a dot for decimals, e.g. 2.5)", errors)
            : null;

    private static bool? Bool(IConfigurationSection setting, List<string> errors) =>
        Text(setting, errors) is { } text
            ? bool.TryParse(text, out var value) ? value : Bad<bool>(setting, text, "is not true or false", errors)
            : null;

    private static T? Bad<T>(IConfigurationSection setting, string text, string why, List<string> errors)
        where T : struct
    {
        errors.Add($"{setting.Path} = '{text}' {why}.");
        return null;
    }

    private static bool Is(string key, string name) => string.Equals(key, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>One setting of a policy: its key and how it is read into the policy.</summary>
    private sealed record Setting<TPolicy>(string Name, Action<TPolicy, IConfigurationSection, List<string>> Read);
}
