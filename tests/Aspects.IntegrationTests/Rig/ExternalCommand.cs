using System.Diagnostics;

namespace Aspects.IntegrationTests.Rig;

/// <summary>Runs a short-lived command to completion within a time limit.</summary>
internal static class ExternalCommand
{
    /// <param name="fileName">The program to run.</param>
    /// <param name="arguments">Its arguments, passed as they are (no shell).</param>
    /// <param name="workingDirectory">The directory it runs in.</param>
    /// <param name="timeout">How long it may take before it is killed.</param>
    /// <param name="cancellationToken">Kills it and stops waiting.</param>
    /// <param name="environment">Variables to set in its environment; a <see langword="null"/> value removes the variable.</param>
    /// <returns>The last 200 lines of the command's combined stdout and stderr.</returns>
    /// <exception cref="InvalidOperationException">The command exited with a non-zero code.</exception>
    /// <exception cref="TimeoutException">The command did not finish in time; it has been killed.</exception>
    public static async Task<string> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var commandLine = string.Join(' ', [fileName, .. arguments.Select(QuoteIfSpaced)]);
        var output = new OutputTail(capacity: 200);
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"`{commandLine}` did not finish within {timeout.TotalSeconds:0} s and was killed. Output:\n{output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{commandLine}` exited with code {process.ExitCode}. Output:\n{output}");
        }

        return output.ToString();
    }

    private static string QuoteIfSpaced(string argument) =>
        argument.Contains(' ', StringComparison.Ordinal) ? $"\"{argument}\"" : argument;
}
