using System.Diagnostics;
using System.Reflection;
using Aspects.IntegrationTests.Rig;

namespace Aspects.Samples.Tests;

/// <summary>A sample started as its own OS process with <c>dotnet &lt;sample&gt;.dll</c>, its output kept for failure messages.</summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    // Settings the developer's shell may carry that would point the samples at servers or other ports.
    private static readonly string[] ClearedVariables =
        ["ASPECTS_REDIS", "ASPECTS_POSTGRES", "ConnectionStrings__Redis", "ConnectionStrings__Postgres", "ASPNETCORE_URLS", "DOTNET_URLS"];

    private readonly Process _process;
    private readonly OutputTail _output = new(capacity: 400);

    private SampleProcess(string sample, IReadOnlyList<string> arguments)
    {
        var dll = SamplePath(sample);
        // The dotnet CLI tells the processes it starts where its host is; fall back to PATH otherwise.
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root, where the API sample finds appsettings.json.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in ClearedVariables)
        {
            startInfo.Environment.Remove(name);
        }

        CommandLine = $"dotnet {dll} {string.Join(' ', arguments)}";
        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) => _output.Add(e.Data);
        _process.ErrorDataReceived += (_, e) => _output.Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Exited = _process.WaitForExitAsync();
    }

    /// <summary>What was started, for messages.</summary>
    public string CommandLine { get; }

    /// <summary>Completes when the process has exited and its output has been read.</summary>
    public Task Exited { get; }

    /// <summary>The exit code; only once <see cref="Exited"/> completed.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines of stdout and stderr.</summary>
    public string Output => _output.ToString();

    /// <summary>Starts <paramref name="sample"/> (<c>ApiSample</c> or <c>CatalogSample</c>) with <paramref name="arguments"/>.</summary>
    public static SampleProcess Start(string sample, params string[] arguments) => new(sample, arguments);

    /// <summary>Waits until the process exits, killing it after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">It did not exit in time; the message carries its output.</exception>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(Exited, Task.Delay(timeout)) != Exited)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{CommandLine}` did not finish within {timeout.TotalSeconds:0} s and was killed. Output:\n{Output}");
        }

        await Exited;
    }

    /// <summary>Kills the process tree when it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(10)));
        _process.Dispose();
    }

    private static string SamplePath(string sample)
    {
        var path = typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == sample).Value!;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The {sample} is not built at {path}; build the solution (dotnet build Aspects.sln) first.", path);
    }
}
