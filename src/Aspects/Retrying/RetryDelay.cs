namespace Aspects.Retrying;

/// <summary>Computes the wait before a retry; generated <c>[Retry]</c> wrappers call it through <see cref="Policies.RetrySettings.NextDelay"/>.</summary>
public static class RetryDelay
{
    // Constant and linear jitter add up to this share of the delay.
    private const double LinearJitterShare = 0.5;

    /// <summary>The delay before retry number <paramref name="retry"/>.</summary>
    /// <param name="backoff">How delays grow.</param>
    /// <param name="retry">1 for the first retry (after the first failed attempt), 2 for the second, … up to <see cref="int.MaxValue"/>.</param>
    /// <param name="delayMilliseconds">The base delay; 0 or less means no delay.</param>
    /// <param name="maxDelayMilliseconds">The cap of any single delay; 0 or less means no delay.</param>
    /// <param name="jitter">Whether to randomize.</param>
    /// <param name="state">Carried from one call to the next within one call of the method (decorrelated jitter needs the previous value); start at 0.</param>
    /// <param name="random">The random source.</param>
    /// <returns>
    /// The delay, always within [0, <paramref name="maxDelayMilliseconds"/>] ms for every retry number: a
    /// schedule that would overflow (2^1024 and beyond is infinite in floating point) is capped, never NaN.
    /// </returns>
    public static TimeSpan Next(
        RetryBackoff backoff, int retry, int delayMilliseconds, int maxDelayMilliseconds, bool jitter, ref double state, Random random)
    {
        if (delayMilliseconds <= 0 || maxDelayMilliseconds <= 0)
        {
            return TimeSpan.Zero;
        }

        double milliseconds = backoff switch
        {
            RetryBackoff.Constant => delayMilliseconds,
            RetryBackoff.Linear => (double)retry * delayMilliseconds,
            _ when jitter => DecorrelatedJitter(retry - 1, delayMilliseconds, ref state, random),
            _ => Math.Pow(2, retry - 1) * delayMilliseconds,
        };

        if (jitter && backoff != RetryBackoff.Exponential)
        {
            milliseconds += milliseconds * LinearJitterShare * random.NextDouble();
        }

        // Past 2^1023 the exponential terms are infinite, and infinity minus infinity (decorrelated jitter's
        // step) is NaN: both mean "more than any cap". Polly v8 caps the same way (RetryHelper).
        if (double.IsNaN(milliseconds) || milliseconds > maxDelayMilliseconds)
        {
            return TimeSpan.FromMilliseconds(maxDelayMilliseconds);
        }

        return milliseconds <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(milliseconds);
    }

    // "Decorrelated jitter V2" by George Polevoy, as scaled by Polly v8: the median of the n-th delay
    // lands near base × 2^n while successive delays stay uncorrelated, which avoids retry spikes.
    private static double DecorrelatedJitter(int exponent, double baseMilliseconds, ref double previous, Random random)
    {
        const double Smoothing = 4.0;
        const double MedianScale = 1 / 1.4;

        double t = exponent + random.NextDouble();
        double current = Math.Pow(2, t) * Math.Tanh(Math.Sqrt(Smoothing * t));
        double step = current - previous;
        previous = current;
        return step * MedianScale * baseMilliseconds;
    }
}
