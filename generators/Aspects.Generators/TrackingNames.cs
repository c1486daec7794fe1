namespace Aspects.Generators;

/// <summary>Names of the pipeline steps, asserted by the incrementality tests.</summary>
internal static class TrackingNames
{
    public const string RetryMethods = "Aspects.RetryMethods";
    public const string Models = "Aspects.Models";
    public const string Diagnostics = "Aspects.Diagnostics";
}
