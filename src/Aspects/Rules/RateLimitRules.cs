namespace Aspects.Rules;

/// <summary>
/// The settings of <c>[RateLimited]</c> written once: their names, defaults and rules, compiled into the runtime
/// (attribute, <c>RateLimitPolicy</c>, <c>RateLimitSettings</c>, <c>RateLimiterRegistry</c>) and into the generator
/// (its parser), so compile time and run time cannot disagree.
/// </summary>
/// <remarks>
/// A <c>Check{Setting}</c> method returns why a value is invalid, or <see langword="null"/>; callers turn the reason
/// into their own message (diagnostic ASP0007, a policy error naming the configuration key, an exception naming the
/// setting), so all three say the same thing.
/// </remarks>
internal static class RateLimitRules
{
    /// <summary>The attribute property and policy key of the bucket name.</summary>
    public const string Name = "Name";

    /// <summary>The attribute property and policy key of the sustained rate.</summary>
    public const string PermitsPerSecond = "PermitsPerSecond";

    /// <summary>The attribute property and policy key of the bucket capacity.</summary>
    public const string Burst = "Burst";

    /// <summary>The attribute property and policy key of the wait-or-reject choice.</summary>
    public const string Mode = "Mode";

    /// <summary>The attribute property and policy key of the longest wait.</summary>
    public const string MaxWaitMilliseconds = "MaxWaitMilliseconds";

    /// <summary>The attribute property of local-or-distributed.</summary>
    public const string Scope = "Scope";

    /// <summary>The attribute's <c>PermitsPerSecond</c> when unset: not a valid rate, so every method sets its own.</summary>
    public const double DefaultPermitsPerSecond = 0d;

    /// <summary>The default burst: 0, which means <see cref="EffectiveBurst"/> = ceil(PermitsPerSecond).</summary>
    public const int DefaultBurst = 0;

    /// <summary>The default mode, as an index into <see cref="ModeNames"/> (<c>Wait</c>).</summary>
    public const int DefaultMode = 0;

    /// <summary>The default longest wait for a permit in Wait mode, in milliseconds.</summary>
    public const int DefaultMaxWaitMilliseconds = 30_000;

    /// <summary>The default scope, as an index into <see cref="ScopeNames"/> (<c>Local</c>).</summary>
    public const int DefaultScope = 0;

    /// <summary>The highest accepted rate (one billion permits per second).</summary>
    public const double MaxPermitsPerSecond = 1e9;

    /// <summary>The members of <c>Aspects.RateLimitMode</c> in declaration order (value = index).</summary>
    public static readonly string[] ModeNames = ["Wait", "Reject"];

    /// <summary>Whether <paramref name="mode"/> (a member of <see cref="ModeNames"/>) waits for a permit rather than rejecting at once.</summary>
    public static bool Waits(string mode) => mode == ModeNames[0];

    /// <summary>The members of <c>Aspects.RateLimitScope</c> in declaration order (value = index).</summary>
    public static readonly string[] ScopeNames = ["Local", "Distributed"];

    /// <summary>Why <paramref name="permitsPerSecond"/> is not a rate, or <see langword="null"/>.</summary>
    public static string? CheckPermitsPerSecond(double permitsPerSecond) =>
        permitsPerSecond > 0 && permitsPerSecond <= MaxPermitsPerSecond
            ? null
            : "it is how many calls per second the bucket admits, so it must be a finite number above 0 and at most 1e9 (e.g. PermitsPerSecond = 50)";

    /// <summary>Why <paramref name="burst"/> (as configured: 0 = follow the rate) is not a capacity, or <see langword="null"/>.</summary>
    public static string? CheckBurst(int burst) =>
        burst >= 0 ? null : "it is the bucket's capacity; use 0 for the default ceil(PermitsPerSecond), or a positive number";

    /// <summary>Why <paramref name="burst"/> (the capacity of a bucket, already resolved) is invalid, or <see langword="null"/>.</summary>
    public static string? CheckEffectiveBurst(int burst) =>
        burst >= 1 ? null : "a bucket holds at least one permit, so its capacity must be at least 1";

    /// <summary>Why <paramref name="maxWaitMilliseconds"/> is not a wait, or <see langword="null"/>.</summary>
    public static string? CheckMaxWaitMilliseconds(int maxWaitMilliseconds) =>
        maxWaitMilliseconds >= 0 ? null : "a wait cannot be negative; use 0 to never wait";

    /// <summary>Why <paramref name="mode"/> (the enum's value) is not a <c>RateLimitMode</c>, or <see langword="null"/>.</summary>
    public static string? CheckMode(int mode) =>
        mode >= 0 && mode < ModeNames.Length ? null : "use RateLimitMode.Wait or RateLimitMode.Reject";

    /// <summary>Why <paramref name="scope"/> (the enum's value) is not a <c>RateLimitScope</c>, or <see langword="null"/>.</summary>
    public static string? CheckScope(int scope) =>
        scope >= 0 && scope < ScopeNames.Length ? null : "use RateLimitScope.Local or RateLimitScope.Distributed";

    /// <summary>
    /// The capacity a bucket gets: <paramref name="burst"/> when positive, else ceil(<paramref name="permitsPerSecond"/>)
    /// (at least 1, at most <see cref="int.MaxValue"/>), so a bucket can always hold one second's permits.
    /// </summary>
    public static int EffectiveBurst(double permitsPerSecond, int burst) =>
        burst > 0 ? burst : (int)Math.Max(1, Math.Min(int.MaxValue, Math.Ceiling(permitsPerSecond)));
}
