namespace Aspects.Generators.Emitting;

internal static class ThisAssembly
{
    /// <summary>Stamped into <c>[GeneratedCode]</c>; fixed so snapshots do not churn between builds.</summary>
    public const string Version = "0.1.0";
}
