using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Aspects.IntegrationTests.Rig;
using Aspects.RateLimiting;
using Aspects.Redis.RateLimiting;
using Aspects.Telemetry;
using Aspects.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Aspects.IntegrationTests.RateLimiting;

[Collection(RedisCollection.Name)]
public sealed class RedisTokenBucketTests(RedisFixture redis, ITestOutputHelper output)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Runtimes_and_another_process_sharing_a_bucket_admit_no_more_than_burst_plus_rate_times_elapsed()
    {
        const double Rate = 20;
        const int Burst = 5;
        var name = $"shared-{Guid.NewGuid():N}";
        var connections = new List<ConnectionMultiplexer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                connections.Add(await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString));
            }

            var limiters = connections
                .Select(c => new AspectRuntime(new() { DistributedRateLimiters = new RedisRateLimiterFactory(c) }))
                .Select(r => r.RateLimiters.GetOrCreate(name, Rate, Burst, RateLimitScope.Distributed))
                .ToList();
            Assert.All(limiters, l => Assert.IsType<RedisTokenBucket>(l));

            var started = await RedisMicrosecondsAsync(connections[0]);
            using var probe = StartProbe(name, Rate, Burst, durationMilliseconds: 3_000);
            var probeOutput = probe.StandardOutput.ReadToEndAsync();
            var probeErrors = probe.StandardError.ReadToEndAsync();

            // The runtimes of this process take permits for as long as the probe process runs.
            using var stop = new CancellationTokenSource();
            var admittedHere = new long[limiters.Count];
            var callers = limiters.SelectMany((limiter, index) => Enumerable.Range(0, 2).Select(async _ =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await limiter.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(5), stop.Token);
                        Interlocked.Increment(ref admittedHere[index]);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();

            await WaitForExitAsync(probe);
            await stop.CancelAsync();
            await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));
            var finished = await RedisMicrosecondsAsync(connections[0]);

            var probeText = await probeOutput;
            Assert.True(probe.ExitCode == 0, $"The probe process failed ({probe.ExitCode}): {probeText} {await probeErrors}");
            var admittedByProbe = long.Parse(
                probeText.Split('\n').Single(l => l.StartsWith("admitted=", StringComparison.Ordinal))["admitted=".Length..].Trim(),
                CultureInfo.InvariantCulture);
            var total = admittedByProbe + admittedHere.Sum();
            var elapsedSeconds = (finished - started) / 1e6;
            var bound = Burst + (Rate * elapsedSeconds);

            output.WriteLine($"admitted {total} (probe {admittedByProbe}, runtimes {string.Join('/', admittedHere)}) in {elapsedSeconds:0.000} s; bound {bound:0.0}");
            Assert.True(total <= bound, $"{total} permits were admitted in {elapsedSeconds:0.000} s (Redis time); the bound is {bound:0.0}.");
            Assert.True(admittedByProbe > 0, "The separate process should have shared the bucket.");
            Assert.All(admittedHere, count => Assert.True(count > 0, "Every runtime should have shared the bucket."));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_reconfigured_bucket_takes_the_new_burst_on_its_next_acquisition()
    {
        // One permit per 1000 s: nothing refills during the test, so only the burst decides.
        const double Rate = 0.001;
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var runtime = new AspectRuntime(new() { DistributedRateLimiters = new RedisRateLimiterFactory(connection) });
        var limiter = runtime.RateLimiters.GetOrCreate($"reconfigured-{Guid.NewGuid():N}", Rate, 1, RateLimitScope.Distributed);

        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask());

        Assert.True(limiter.Reconfigure(Rate, 3));

        // The state in Redis stays (one permit spent); the script now allows a burst of 3.
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask());
        Assert.Equal(3, limiter.Burst);
    }

    [Fact]
    public async Task Redis_stopped_mid_test_fails_open_or_closed_as_configured_logged_and_counted()
    {
        Assert.True(
            redis.CanRestart,
            $"This test stops the server, so it needs a rig-owned one; unset {RedisFixture.EnvironmentVariable}.");
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast; // fail at once during the outage instead of queueing
        options.AsyncTimeout = 2_000;
        options.ConnectTimeout = 2_000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var openName = $"open-{Guid.NewGuid():N}";
        var closedName = $"closed-{Guid.NewGuid():N}";
        var openLogs = new RecordingLoggerFactory();
        var closedLogs = new RecordingLoggerFactory();
        using var errors = new MetricCollector<long>(AspectsTelemetry.Meter, "aspects.ratelimit.redis_errors");
        var open = Limiter(connection, RateLimitFailureMode.FailOpen, openLogs, openName);
        var closed = Limiter(connection, RateLimitFailureMode.FailClosed, closedLogs, closedName);

        // Burst 1 at 1/s: while Redis works, a second call in Reject mode is refused.
        await open.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        await Assert.ThrowsAsync<RateLimitRejectedException>(() => open.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask());
        await closed.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionRestored += (_, _) => restored.TrySetResult();
        await redis.StopServerAsync();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await open.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
            }

            var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(
                () => closed.AcquireAsync(RateLimitMode.Wait, TimeSpan.FromSeconds(1), CancellationToken.None).AsTask());
            Assert.Null(rejected.RetryAfter);
            Assert.True(rejected.InnerException is RedisException or TimeoutException, $"Unexpected cause: {rejected.InnerException}");
            Assert.Contains("fails closed", rejected.Message, StringComparison.Ordinal);
        }
        finally
        {
            await redis.StartServerAsync();
        }

        var openErrors = errors.GetMeasurementSnapshot().Where(m => Equals(m.Tags["aspects.limiter"], openName)).ToList();
        var closedErrors = errors.GetMeasurementSnapshot().Where(m => Equals(m.Tags["aspects.limiter"], closedName)).ToList();
        Assert.Equal(5, openErrors.Where(m => Equals(m.Tags["aspects.ratelimit.failure_mode"], "fail_open")).Sum(m => m.Value));
        Assert.Equal(1, closedErrors.Where(m => Equals(m.Tags["aspects.ratelimit.failure_mode"], "fail_closed")).Sum(m => m.Value));
        var openWarning = Assert.Single(openLogs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("FailOpen", openWarning.Message, StringComparison.Ordinal);
        Assert.Equal((2101, "RateLimitRedisUnavailable"), (openWarning.EventId.Id, openWarning.EventId.Name));
        Assert.All(openErrors, m => Assert.EndsWith("Exception", (string)m.Tags["error.type"]!, StringComparison.Ordinal));
        var closedWarning = Assert.Single(closedLogs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("FailClosed", closedWarning.Message, StringComparison.Ordinal);

        // After the restart the server has forgotten the script (NOSCRIPT) and the bucket; both recover.
        // ConnectionRestored may come from the subscription connection first, so wait (bounded) until
        // commands go through again.
        await restored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await UntilRedisAnswersAsync(connection);
        await closed.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        var recovered = Assert.Single(closedLogs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("answers again", StringComparison.Ordinal));
        Assert.Equal((2102, "RateLimitRedisRecovered"), (recovered.EventId.Id, recovered.EventId.Name));
    }

    [Fact]
    public async Task A_server_that_forgot_the_scripts_is_sent_them_again()
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AllowAdmin = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var logs = new RecordingLoggerFactory();
        var limiter = new AspectRuntime(new()
        {
            LoggerFactory = logs,
            DistributedRateLimiters = new RedisRateLimiterFactory(connection, new() { FailureMode = RateLimitFailureMode.FailClosed }),
        }).RateLimiters.GetOrCreate($"flushed-{Guid.NewGuid():N}", 1, 2, RateLimitScope.Distributed);
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);

        // The client still holds the script's hash as loaded; the server answers NOSCRIPT to it.
        await connection.GetServers().Single().ScriptFlushAsync();

        // Failing closed, a script error would reject; instead the second permit of the burst is taken
        // and the third is refused by the script itself (with a retry-after, which an outage never gives).
        await limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None);
        var rejected = await Assert.ThrowsAsync<RateLimitRejectedException>(
            () => limiter.AcquireAsync(RateLimitMode.Reject, TimeSpan.Zero, CancellationToken.None).AsTask());
        Assert.NotNull(rejected.RetryAfter);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    private static async Task UntilRedisAnswersAsync(IConnectionMultiplexer connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (RedisException exception)
            {
                throw new TimeoutException("Redis did not answer PING within 30 s of its restart.", exception);
            }
        }
    }

    private static AspectRateLimiter Limiter(IConnectionMultiplexer connection, RateLimitFailureMode mode, ILoggerFactory logs, string name) =>
        new AspectRuntime(new()
        {
            LoggerFactory = logs,
            DistributedRateLimiters = new RedisRateLimiterFactory(connection, new() { FailureMode = mode }),
        }).RateLimiters.GetOrCreate(name, 1, 1, RateLimitScope.Distributed);

    private static async Task<long> RedisMicrosecondsAsync(IConnectionMultiplexer connection)
    {
        var time = (RedisResult[])(await connection.GetDatabase().ExecuteAsync("TIME"))!;
        return (long)time[0] * 1_000_000 + (long)time[1];
    }

    private Process StartProbe(string name, double rate, int burst, int durationMilliseconds)
    {
        var probe = typeof(RedisTokenBucketTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RateLimitProbe").Value!;
        Assert.True(File.Exists(probe), $"The probe {probe} was not built; build Aspects.sln.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList =
            {
                probe, redis.ConnectionString, name,
                rate.ToString(CultureInfo.InvariantCulture), burst.ToString(CultureInfo.InvariantCulture),
                durationMilliseconds.ToString(CultureInfo.InvariantCulture),
            },
        };
        return Process.Start(start) ?? throw new InvalidOperationException("The probe process did not start.");
    }

    private static async Task WaitForExitAsync(Process probe)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            await probe.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            probe.Kill(entireProcessTree: true);
            throw new TimeoutException($"The probe process did not finish within {ProbeTimeout.TotalSeconds:0} s.");
        }
    }
}
