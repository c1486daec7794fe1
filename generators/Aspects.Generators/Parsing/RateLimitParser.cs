using System.Globalization;
using Aspects.Generators.Model;

namespace Aspects.Generators.Parsing;

/// <summary>Reads and validates a <c>[RateLimited]</c> attribute.</summary>
internal static class RateLimitParser
{
    private static readonly string[] ModeNames = ["Wait", "Reject"];
    private static readonly string[] ScopeNames = ["Local", "Distributed"];

    public static RateLimitModel? Parse(AttributeReader reader, string fullName)
    {
        var name = reader.Get<string?>("Name", null);
        var permitsPerSecond = reader.Get("PermitsPerSecond", 0d);
        var burst = reader.Get("Burst", 0);
        var mode = reader.Get("Mode", 0);
        var maxWait = reader.Get("MaxWaitMilliseconds", 30_000);
        var scope = reader.Get("Scope", 0);
        var policy = reader.GetPolicy();

        if (name is not null && name.Trim().Length == 0)
        {
            reader.Invalid("Name", "\"" + name + "\"", "a bucket needs a name; leave Name out to use the method's full name");
        }

        if (double.IsNaN(permitsPerSecond) || double.IsInfinity(permitsPerSecond) || permitsPerSecond <= 0)
        {
            reader.Invalid("PermitsPerSecond", permitsPerSecond, "set how many calls per second the bucket admits, a finite number above 0 (e.g. PermitsPerSecond = 50)");
        }

        if (burst < 0)
        {
            reader.Invalid("Burst", burst, "it is the bucket's capacity; use 0 for the default ceil(PermitsPerSecond), or a positive number");
        }

        if (mode < 0 || mode >= ModeNames.Length)
        {
            reader.Invalid("Mode", mode, "use RateLimitMode.Wait or RateLimitMode.Reject");
        }

        if (maxWait < 0)
        {
            reader.Invalid("MaxWaitMilliseconds", maxWait, "a wait cannot be negative; use 0 to never wait");
        }

        if (scope < 0 || scope >= ScopeNames.Length)
        {
            reader.Invalid("Scope", scope, "use RateLimitScope.Local or RateLimitScope.Distributed");
        }

        if (reader.HasErrors)
        {
            return null;
        }

        var resolvedBurst = burst > 0 ? burst : (int)Math.Max(1, Math.Min(int.MaxValue, Math.Ceiling(permitsPerSecond)));
        return new RateLimitModel(
            name ?? fullName,
            permitsPerSecond.ToString("R", CultureInfo.InvariantCulture) + "d",
            resolvedBurst,
            ModeNames[mode],
            maxWait,
            ScopeNames[scope],
            policy,
            burst);
    }
}
