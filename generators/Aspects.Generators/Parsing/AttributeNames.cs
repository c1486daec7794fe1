namespace Aspects.Generators.Parsing;

/// <summary>Metadata names of the runtime types the generator recognizes.</summary>
internal static class AttributeNames
{
    public const string Retry = "Aspects.RetryAttribute";

    public const string AspectRuntime = "Aspects.AspectRuntime";
}
