namespace Aspects.Generators.Emitting;

internal static class ThisAssembly
{
    /// <summary>
    /// The generator's assembly version, stamped into <c>[GeneratedCode]</c> as System.Text.Json's generator
    /// does, so generated code says which generator wrote it (the snapshot tests scrub it).
    /// </summary>
    public static readonly string Version = typeof(ThisAssembly).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
}
