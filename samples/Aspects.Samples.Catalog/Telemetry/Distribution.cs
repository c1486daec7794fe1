namespace Aspects.Samples.Catalog.Telemetry;

/// <summary>
/// Count, sum, maximum and quantiles of a stream of positive values in bounded memory: values fall into logarithmic
/// buckets 2 % wide, so a quantile is exact to within 2 %.
/// </summary>
public sealed class Distribution
{
    private const double Smallest = 1e-3;
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);

    private readonly Lock _gate = new();
    private readonly Dictionary<int, long> _buckets = [];
    private long _count;
    private double _sum;
    private double _max;

    /// <summary>How many values were recorded.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>The mean value, 0 when there is none.</summary>
    public double Mean
    {
        get
        {
            lock (_gate)
            {
                return _count == 0 ? 0 : _sum / _count;
            }
        }
    }

    /// <summary>The largest value, 0 when there is none.</summary>
    public double Max
    {
        get
        {
            lock (_gate)
            {
                return _max;
            }
        }
    }

    /// <summary>Records <paramref name="value"/>.</summary>
    public void Record(double value)
    {
        var bucket = value <= Smallest ? 0 : (int)Math.Ceiling(Math.Log(value / Smallest) / LogGrowth);
        lock (_gate)
        {
            _count++;
            _sum += value;
            _max = Math.Max(_max, value);
            _buckets[bucket] = _buckets.GetValueOrDefault(bucket) + 1;
        }
    }

    /// <summary>One distribution holding the values of all of <paramref name="parts"/>.</summary>
    public static Distribution Merge(IEnumerable<Distribution> parts)
    {
        var merged = new Distribution();
        foreach (var part in parts)
        {
            lock (part._gate)
            {
                merged._count += part._count;
                merged._sum += part._sum;
                merged._max = Math.Max(merged._max, part._max);
                foreach (var (bucket, count) in part._buckets)
                {
                    merged._buckets[bucket] = merged._buckets.GetValueOrDefault(bucket) + count;
                }
            }
        }

        return merged;
    }

    /// <summary>The value below which a share <paramref name="quantile"/> of the values lie (upper bucket bound, capped at the maximum).</summary>
    public double Quantile(double quantile)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return 0;
            }

            var rank = (long)Math.Ceiling(quantile * _count);
            long seen = 0;
            foreach (var (bucket, count) in _buckets.OrderBy(pair => pair.Key))
            {
                seen += count;
                if (seen >= rank)
                {
                    return Math.Min(_max, Smallest * Math.Pow(Growth, bucket));
                }
            }

            return _max;
        }
    }
}
