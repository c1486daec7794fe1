using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Aspects.Generators.Tests.Infrastructure;

/// <summary>
/// Verify-style snapshots of generated code: <c>{Class}.{Test}#{hint}.verified.cs</c> next to the test
/// file. A mismatch writes <c>.received.cs</c> and fails with a diff; set
/// <c>ASPECTS_ACCEPT_SNAPSHOTS=1</c> to accept the received output.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "ASPECTS_ACCEPT_SNAPSHOTS";

    public static void Verify(GeneratorRun run, [CallerFilePath] string testFile = "", [CallerMemberName] string test = "")
    {
        var sources = run.Sources;
        Assert.NotEmpty(sources);
        var directory = Path.Combine(RepositoryPaths.TestProject, "Snapshots");
        var testClass = Path.GetFileNameWithoutExtension(testFile.Replace('\\', '/').Split('/')[^1]);
        var failures = new StringBuilder();
        foreach (var source in sources)
        {
            var hint = source.HintName.EndsWith(".cs", StringComparison.Ordinal) ? source.HintName[..^3] : source.HintName;
            var stem = Path.Combine(directory, $"{testClass}.{test}#{hint}");
            var received = Normalize(source.SourceText.ToString());
            Compare(stem, received, failures);
        }

        // A snapshot the generator no longer produces would otherwise linger unnoticed.
        var produced = sources.Select(s => $"{testClass}.{test}#{s.HintName[..^3]}.verified.cs").ToHashSet();
        foreach (var stale in Directory.Exists(directory)
            ? Directory.GetFiles(directory, $"{testClass}.{test}#*.verified.cs")
            : [])
        {
            if (!produced.Contains(Path.GetFileName(stale)))
            {
                failures.AppendLine($"{Path.GetFileName(stale)} is no longer generated: delete it.");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    private static void Compare(string stem, string received, StringBuilder failures)
    {
        var verifiedPath = stem + ".verified.cs";
        var receivedPath = stem + ".received.cs";
        var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == received)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(verifiedPath)!);
            File.WriteAllText(verifiedPath, received);
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(receivedPath)!);
        File.WriteAllText(receivedPath, received);
        failures.AppendLine(verified is null
            ? $"No snapshot {Path.GetFileName(verifiedPath)} yet; review {Path.GetFileName(receivedPath)} and accept it with {AcceptVariable}=1."
            : $"{Path.GetFileName(verifiedPath)} differs from what the generator produced (accept with {AcceptVariable}=1):\n{Diff(verified, received)}");
    }

    private static string Diff(string verified, string received)
    {
        var text = new StringBuilder();
        foreach (var line in InlineDiffBuilder.Diff(verified, received).Lines)
        {
            var prefix = line.Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => null,
            };
            if (prefix is not null)
            {
                text.Append(prefix).Append(line.Position?.ToString() ?? "?").Append(": ").AppendLine(line.Text);
            }
        }

        return text.ToString();
    }

    /// <summary>The generator's version, which <c>[GeneratedCode]</c> carries, changes with every release: snapshots hold a placeholder.</summary>
    private static string Normalize(string text) =>
        GeneratedCodeVersion().Replace(text.Replace("\r\n", "\n").TrimStart('\uFEFF'), "$1{version}$2");

    [GeneratedRegex("""(GeneratedCode\("Aspects\.Generators", ")[^"]*(")""")]
    private static partial Regex GeneratedCodeVersion();
}
