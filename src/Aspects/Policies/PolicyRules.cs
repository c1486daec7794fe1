using System.Globalization;

namespace Aspects.Policies;

/// <summary>The wording of policy validation messages, shared by code-first and configuration-bound policies.</summary>
internal static class PolicyRules
{
    public static string Message(string path, string key, object value, string why) =>
        $"{path}:{key} = {Convert.ToString(value, CultureInfo.InvariantCulture)} is invalid: {why}.";

    /// <summary>Adds the message for <paramref name="why"/> (a rule's answer from <c>Aspects.Rules</c>) when it is not <see langword="null"/>.</summary>
    public static void Check(List<string> errors, string path, string key, object? value, string? why)
    {
        if (why is not null && value is not null)
        {
            errors.Add(Message(path, key, value, why));
        }
    }

    /// <summary>Throws when <paramref name="why"/> (a rule's answer from <c>Aspects.Rules</c>) is not <see langword="null"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value breaks the rule; the message names the setting and says why.</exception>
    public static void ThrowIfInvalid(string? why, string parameterName, string key, object value)
    {
        if (why is not null)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"{key} = {Convert.ToString(value, CultureInfo.InvariantCulture)} is invalid: {why}.");
        }
    }
}
