namespace Aspects.Generators.Tests.Misuse;

/// <summary>One wrong (or surprising but fine) program and what the generator must do with it.</summary>
/// <param name="Name">Reads as the specification: <c>Batched_method_with_two_keys</c>.</param>
/// <param name="Source">The user's file, after the usual usings.</param>
/// <param name="Expected">The one outcome the generator must produce.</param>
/// <param name="AllowUnsafe">Compile with <c>/unsafe</c>, for pointer cases.</param>
public sealed record MisuseCase(string Name, string Source, Expectation Expected, bool AllowUnsafe = false)
{
    public override string ToString() => Name;
}

/// <summary>What the generator does with a <see cref="MisuseCase"/>.</summary>
public abstract record Expectation
{
    /// <summary>Exactly one ASP diagnostic, <paramref name="Id"/>, squiggling exactly <paramref name="At"/>, whose message contains <paramref name="Says"/>.</summary>
    public static Expectation Reports(string id, string at, string says) => new ReportsDiagnostic(id, at, says);

    /// <summary>The program is fine: no ASP diagnostic, and the generated code compiles with no error and no warning.</summary>
    public static Expectation CompilesCleanly(int generatedFiles = 1) => new CompilesWithoutProblems(generatedFiles);

    /// <summary>The C# compiler already rejects the program with <paramref name="compilerId"/>: the generator adds nothing.</summary>
    public static Expectation CompilerRejects(string compilerId) => new CompilerAlreadyRejects(compilerId);
}

public sealed record ReportsDiagnostic(string Id, string At, string Says) : Expectation;

public sealed record CompilesWithoutProblems(int GeneratedFiles) : Expectation;

public sealed record CompilerAlreadyRejects(string CompilerId) : Expectation;
