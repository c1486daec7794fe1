namespace Aspects.Generators;

/// <summary>Names of the pipeline steps, asserted by the incrementality tests.</summary>
internal static class TrackingNames
{
    /// <summary>The <c>ForAttributeWithMetadataName</c> step of each aspect attribute: <c>Aspects.Methods.Retry</c>, ….</summary>
    public const string MethodsPrefix = "Aspects.Methods.";

    public const string Models = "Aspects.Models";

    public const string Diagnostics = "Aspects.Diagnostics";
}
