using System.Globalization;

namespace Aspects.Samples.Catalog;

/// <summary>The command line, with the environment variables as fallbacks.</summary>
/// <param name="Seconds">How long the workload runs.</param>
/// <param name="Redis">A StackExchange.Redis connection string, or <see langword="null"/> for memory only.</param>
/// <param name="Postgres">An Npgsql connection string, or <see langword="null"/> for the embedded database.</param>
public sealed record SampleOptions(double Seconds, string? Redis, string? Postgres)
{
    /// <summary>What <c>--help</c> prints.</summary>
    public const string Usage = """
        Usage: dotnet run --project samples/Aspects.Samples.Catalog [-- options]

          --redis <connection string>     cache L2 + backplane in Redis, e.g. localhost:6379 (or ASPECTS_REDIS)
          --postgres <connection string>  the catalog in PostgreSQL, e.g. "Host=localhost;Username=postgres"
                                          (or ASPECTS_POSTGRES); creates schema aspects_sample_catalog
          --seconds <n>                   how long the workload runs (default 4)
          --help                          this text
        """;

    /// <summary>Reads <paramref name="args"/>; <see langword="null"/> when <c>--help</c> was asked for.</summary>
    /// <exception cref="ArgumentException">An option is unknown or lacks its value; the message says which.</exception>
    public static SampleOptions? Parse(string[] args)
    {
        double seconds = 4;
        var redis = FromEnvironment("ASPECTS_REDIS");
        var postgres = FromEnvironment("ASPECTS_POSTGRES");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    return null;
                case "--redis":
                    redis = Value(args, ref i);
                    break;
                case "--postgres":
                    postgres = Value(args, ref i);
                    break;
                case "--seconds":
                    var text = Value(args, ref i);
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || seconds is <= 0 or > 600)
                    {
                        throw new ArgumentException($"--seconds takes a number between 0 and 600; got '{text}'.");
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return new SampleOptions(seconds, redis, postgres);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length && !args[i].StartsWith("--", StringComparison.Ordinal)
            ? args[i]
            : throw new ArgumentException($"{args[i - 1]} needs a value.");

    private static string? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
