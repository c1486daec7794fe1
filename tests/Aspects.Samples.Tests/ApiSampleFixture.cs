using System.Diagnostics;
using Aspects.IntegrationTests.Rig;

namespace Aspects.Samples.Tests;

/// <summary>The API sample running as a real process on a free loopback port, with an HTTP client for it.</summary>
public class ApiSampleFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private SampleProcess? _process;

    /// <summary>A client whose base address is the sample.</summary>
    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The sample's recent output, for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>Arguments added to the sample's command line, e.g. configuration overrides.</summary>
    protected virtual string[] ExtraArguments => [];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Find()}";
        Client.BaseAddress = new Uri(url);
        _process = SampleProcess.Start("ApiSample", ["--urls", url, .. ExtraArguments]);
        var clock = Stopwatch.StartNew();
        string? lastError = null;
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.Exited.IsCompleted)
            {
                throw new InvalidOperationException($"`{_process.CommandLine}` exited with code {_process.ExitCode} before answering. Output:\n{_process.Output}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await Client.GetAsync("/health", attempt.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastError = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                lastError = e.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(
            $"`{_process.CommandLine}` did not answer GET /health within {StartTimeout.TotalSeconds:0} s (last error: {lastError}). Output:\n{_process.Output}");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
