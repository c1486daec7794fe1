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
        var process = _process = SampleProcess.Start("ApiSample", ["--urls", url, .. ExtraArguments]);
        await Readiness.WaitAsync(
            $"`{process.CommandLine}` (GET /health)",
            StartTimeout,
            HealthyAsync,
            () => process.Output,
            process.Exited,
            CancellationToken.None);
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

    private async Task HealthyAsync(CancellationToken cancellationToken)
    {
        using var response = await Client.GetAsync("/health", cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
