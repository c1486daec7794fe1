using System.Globalization;
using Aspects;
using Aspects.Redis.RateLimiting;
using StackExchange.Redis;

// Usage: Aspects.RateLimitProbe <redis connection string> <bucket name> <permits per second> <burst> <duration ms>
// Takes permits (Wait mode, several concurrent callers) from the shared Redis bucket for the duration,
// then prints "admitted=<count>" and exits 0.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: Aspects.RateLimitProbe <redis> <name> <permitsPerSecond> <burst> <durationMs>");
    return 2;
}

var name = args[1];
var rate = double.Parse(args[2], CultureInfo.InvariantCulture);
var burst = int.Parse(args[3], CultureInfo.InvariantCulture);
var duration = TimeSpan.FromMilliseconds(int.Parse(args[4], CultureInfo.InvariantCulture));

await using var redis = await ConnectionMultiplexer.ConnectAsync(args[0]);
var runtime = new AspectRuntime(new AspectRuntimeOptions
{
    DistributedRateLimiters = new RedisRateLimiterFactory(redis, new RedisRateLimiterOptions { FailureMode = Aspects.RateLimiting.RateLimitFailureMode.FailClosed }),
});
var limiter = runtime.RateLimiters.GetOrCreate(name, rate, burst, RateLimitScope.Distributed);
Console.WriteLine("ready");

long admitted = 0;
using var stop = new CancellationTokenSource(duration);
var callers = Enumerable.Range(0, 4).Select(async _ =>
{
    while (!stop.IsCancellationRequested)
    {
        try
        {
            await limiter.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(5), stop.Token);
            Interlocked.Increment(ref admitted);
        }
        catch (OperationCanceledException)
        {
            return;
        }
    }
});
await Task.WhenAll(callers);
Console.WriteLine($"admitted={admitted}");
return 0;
