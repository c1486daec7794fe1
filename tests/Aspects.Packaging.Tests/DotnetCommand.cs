using Aspects.IntegrationTests.Rig;

namespace Aspects.Packaging.Tests;

/// <summary>
/// Runs the <c>dotnet</c> CLI as a child process with a time limit. A failure or a timeout fails the test
/// with the tail of the command's output, so a broken pack or build explains itself.
/// </summary>
internal static class DotnetCommand
{
    /// <summary>The dotnet host running these tests, so the children use the same SDK.</summary>
    private static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <returns>The last 200 lines of the command's output.</returns>
    public static Task<string> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        ExternalCommand.RunAsync(Host, arguments, workingDirectory, timeout, CancellationToken.None, ChildEnvironment());

    private static Dictionary<string, string?> ChildEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };

        // The test host runs under MSBuild: its variables would point the child at the parent's build.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        return environment;
    }
}
