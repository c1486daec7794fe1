using System.Globalization;

namespace Aspects.Policies;

/// <summary>The wording of policy validation messages, shared by code-first and configuration-bound policies.</summary>
internal static class PolicyRules
{
    public static void AtLeast(List<string> errors, string path, string key, int? value, int minimum, string why)
    {
        if (value is { } v && v < minimum)
        {
            errors.Add(Message(path, key, v, $"must be at least {minimum.ToString(CultureInfo.InvariantCulture)}; {why}"));
        }
    }

    public static string Message(string path, string key, object value, string why) =>
        $"{path}:{key} = {Convert.ToString(value, CultureInfo.InvariantCulture)} is invalid: {why}.";
}
