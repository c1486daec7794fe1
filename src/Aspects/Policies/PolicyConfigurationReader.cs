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

    /// <summary>Reads <paramref name="section"/>; problems go to <see cref="AspectPolicies.ConfigurationErrors"/>, never thrown.</summary>
    public static AspectPolicies Read(IConfiguration section)
    {
        var policies = new AspectPolicies { SourcePath = section is IConfigurationSection named ? named.Path : string.Empty };
        Read(section, policies);
        return policies;
    }

    /// <summary>Adds the policies of <paramref name="section"/> to <paramref name="policies"/> (a key present in both: configuration wins per value).</summary>
    public static void Read(IConfiguration section, AspectPolicies policies)
    {
        var errors = policies.ConfigurationErrors;
        foreach (var group in section.GetChildren())
        {
            // Other children of the section (connection settings and the like) belong to other features.
            if (Is(group.Key, CacheSection))
            {
                ReadGroup(group, policies.Cache, errors, static () => new CachePolicy(), ReadCache);
            }
            else if (Is(group.Key, RateLimitsSection))
            {
                ReadGroup(group, policies.RateLimits, errors, static () => new RateLimitPolicy(), ReadRateLimit);
            }
            else if (Is(group.Key, RetrySection))
            {
                ReadGroup(group, policies.Retry, errors, static () => new RetryPolicy(), ReadRetry);
            }
            else if (Is(group.Key, BatchingSection))
            {
                ReadGroup(group, policies.Batching, errors, static () => new BatchingPolicy(), ReadBatching);
            }
        }
    }

    private static void ReadGroup<TPolicy>(
        IConfigurationSection group,
        IDictionary<string, TPolicy> target,
        List<string> errors,
        Func<TPolicy> create,
        Func<TPolicy, IConfigurationSection, List<string>, bool> readSetting)
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
                if (!readSetting(policy, setting, errors))
                {
                    errors.Add($"{setting.Path} is not a setting of {Describe(group.Key)}; the settings are {SettingNames(group.Key)}.");
                }
            }
        }
    }

    private static bool ReadCache(CachePolicy policy, IConfigurationSection setting, List<string> errors)
    {
        if (Is(setting.Key, nameof(CachePolicy.DurationSeconds)))
        {
            policy.DurationSeconds = Int(setting, errors) ?? policy.DurationSeconds;
        }
        else if (Is(setting.Key, nameof(CachePolicy.LocalDurationSeconds)))
        {
            policy.LocalDurationSeconds = Int(setting, errors) ?? policy.LocalDurationSeconds;
        }
        else
        {
            return false;
        }

        return true;
    }

    private static bool ReadRateLimit(RateLimitPolicy policy, IConfigurationSection setting, List<string> errors)
    {
        if (Is(setting.Key, nameof(RateLimitPolicy.PermitsPerSecond)))
        {
            policy.PermitsPerSecond = Double(setting, errors) ?? policy.PermitsPerSecond;
        }
        else if (Is(setting.Key, nameof(RateLimitPolicy.Burst)))
        {
            policy.Burst = Int(setting, errors) ?? policy.Burst;
        }
        else if (Is(setting.Key, nameof(RateLimitPolicy.MaxWaitMilliseconds)))
        {
            policy.MaxWaitMilliseconds = Int(setting, errors) ?? policy.MaxWaitMilliseconds;
        }
        else if (Is(setting.Key, nameof(RateLimitPolicy.Mode)))
        {
            policy.Mode = Text(setting, errors) switch
            {
                null => policy.Mode,
                var text when Is(text, nameof(RateLimitMode.Wait)) => RateLimitMode.Wait,
                var text when Is(text, nameof(RateLimitMode.Reject)) => RateLimitMode.Reject,
                var text => Bad<RateLimitMode>(setting, text, "is not a rate-limit mode; use Wait or Reject", errors),
            };
        }
        else
        {
            return false;
        }

        return true;
    }

    private static bool ReadRetry(RetryPolicy policy, IConfigurationSection setting, List<string> errors)
    {
        if (Is(setting.Key, nameof(RetryPolicy.MaxAttempts)))
        {
            policy.MaxAttempts = Int(setting, errors) ?? policy.MaxAttempts;
        }
        else if (Is(setting.Key, nameof(RetryPolicy.DelayMilliseconds)))
        {
            policy.DelayMilliseconds = Int(setting, errors) ?? policy.DelayMilliseconds;
        }
        else if (Is(setting.Key, nameof(RetryPolicy.MaxDelayMilliseconds)))
        {
            policy.MaxDelayMilliseconds = Int(setting, errors) ?? policy.MaxDelayMilliseconds;
        }
        else if (Is(setting.Key, nameof(RetryPolicy.Jitter)))
        {
            policy.Jitter = Bool(setting, errors) ?? policy.Jitter;
        }
        else if (Is(setting.Key, nameof(RetryPolicy.Backoff)))
        {
            policy.Backoff = Text(setting, errors) switch
            {
                null => policy.Backoff,
                var text when Is(text, nameof(RetryBackoff.Constant)) => RetryBackoff.Constant,
                var text when Is(text, nameof(RetryBackoff.Linear)) => RetryBackoff.Linear,
                var text when Is(text, nameof(RetryBackoff.Exponential)) => RetryBackoff.Exponential,
                var text => Bad<RetryBackoff>(setting, text, "is not a backoff; use Constant, Linear or Exponential", errors),
            };
        }
        else
        {
            return false;
        }

        return true;
    }

    private static bool ReadBatching(BatchingPolicy policy, IConfigurationSection setting, List<string> errors)
    {
        if (Is(setting.Key, nameof(BatchingPolicy.MaxBatchSize)))
        {
            policy.MaxBatchSize = Int(setting, errors) ?? policy.MaxBatchSize;
        }
        else if (Is(setting.Key, nameof(BatchingPolicy.MaxDelayMilliseconds)))
        {
            policy.MaxDelayMilliseconds = Int(setting, errors) ?? policy.MaxDelayMilliseconds;
        }
        else if (Is(setting.Key, nameof(BatchingPolicy.ThrowOnMissingKey)))
        {
            policy.ThrowOnMissingKey = Bool(setting, errors) ?? policy.ThrowOnMissingKey;
        }
        else if (Is(setting.Key, nameof(BatchingPolicy.MaxConcurrentBatches)))
        {
            policy.MaxConcurrentBatches = Int(setting, errors) ?? policy.MaxConcurrentBatches;
        }
        else if (Is(setting.Key, nameof(BatchingPolicy.MaxQueuedBatches)))
        {
            policy.MaxQueuedBatches = Int(setting, errors) ?? policy.MaxQueuedBatches;
        }
        else
        {
            return false;
        }

        return true;
    }

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

    private static string Describe(string group) =>
        Is(group, CacheSection) ? "a cache policy"
        : Is(group, RateLimitsSection) ? "a rate-limit policy"
        : Is(group, RetrySection) ? "a retry policy"
        : "a batching policy";

    private static string SettingNames(string group) =>
        Is(group, CacheSection) ? "DurationSeconds and LocalDurationSeconds"
        : Is(group, RateLimitsSection) ? "PermitsPerSecond, Burst, Mode and MaxWaitMilliseconds"
        : Is(group, RetrySection) ? "MaxAttempts, DelayMilliseconds, MaxDelayMilliseconds, Backoff and Jitter"
        : "MaxBatchSize, MaxDelayMilliseconds, ThrowOnMissingKey, MaxConcurrentBatches and MaxQueuedBatches";
}
