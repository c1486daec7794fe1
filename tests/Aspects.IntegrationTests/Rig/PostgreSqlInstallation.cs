namespace Aspects.IntegrationTests.Rig;

/// <summary>Where the PostgreSQL server binaries live and which optional pieces they come with.</summary>
internal sealed record PostgreSqlInstallation(string BinDirectory, bool HasPgStatStatements)
{
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>Looks on PATH first, then in the newest <c>/usr/lib/postgresql/*/bin</c>.</summary>
    /// <exception cref="InvalidOperationException">No <c>initdb</c> and <c>pg_ctl</c> pair was found.</exception>
    public static async Task<PostgreSqlInstallation> LocateAsync(CancellationToken cancellationToken)
    {
        var binDirectory = FromPath() ?? FromDebianLayout()
            ?? throw new InvalidOperationException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) were found on PATH or under {DebianRoot}/*/bin. " +
                "Run scripts/install-test-servers.sh, or set ASPECTS_TEST_POSTGRES to the Npgsql connection string " +
                "of an existing server.");
        var libraryDirectory = await LibraryDirectoryAsync(binDirectory, cancellationToken);
        return new PostgreSqlInstallation(
            binDirectory,
            File.Exists(Path.Combine(libraryDirectory, "pg_stat_statements.so")));
    }

    private static string? FromPath()
    {
        var initdb = ExecutableLookup.FindOnPath("initdb");
        if (initdb is null)
        {
            return null;
        }

        // PATH often holds symlinks (e.g. /usr/local/bin/initdb); the real directory is the
        // one whose pg_ctl, postgres and lib directory match this initdb's version.
        var resolved = File.ResolveLinkTarget(initdb, returnFinalTarget: true)?.FullName ?? initdb;
        var directory = Path.GetDirectoryName(resolved)!;
        return IsServerBinDirectory(directory) ? directory : null;
    }

    private static string? FromDebianLayout()
    {
        if (!Directory.Exists(DebianRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(DebianRoot)
            .Select(versionDirectory => (
                Version: ParseVersion(Path.GetFileName(versionDirectory)),
                Bin: Path.Combine(versionDirectory, "bin")))
            .Where(candidate => candidate.Version is not null && IsServerBinDirectory(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    // Directory names are "15" or, before PostgreSQL 10, "9.6".
    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version)
            ? version
            : null;

    private static bool IsServerBinDirectory(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    private static async Task<string> LibraryDirectoryAsync(string binDirectory, CancellationToken cancellationToken)
    {
        // Only the pg_config next to the server binaries is asked: one elsewhere on PATH may
        // belong to another PostgreSQL version.
        var pgConfig = Path.Combine(binDirectory, "pg_config");
        if (File.Exists(pgConfig))
        {
            var output = await ExternalCommand.RunAsync(
                pgConfig, ["--pkglibdir"], binDirectory, TimeSpan.FromSeconds(10), cancellationToken);
            return output.Trim();
        }

        return Path.GetFullPath(Path.Combine(binDirectory, "..", "lib"));
    }
}
