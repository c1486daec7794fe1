namespace Aspects;

/// <summary>How retry delays grow.</summary>
public enum RetryBackoff
{
    /// <summary>Every retry waits the base delay.</summary>
    Constant,

    /// <summary>Retry <c>n</c> waits <c>n × base delay</c>.</summary>
    Linear,

    /// <summary>Retry <c>n</c> waits about <c>2^(n-1) × base delay</c>.</summary>
    Exponential,
}
