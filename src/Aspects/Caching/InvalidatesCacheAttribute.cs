namespace Aspects;

/// <summary>
/// After the method completes successfully, evicts the entry of the <see cref="CachedAttribute"/>
/// method <see cref="MethodName"/> of the same class whose key parameters have the same names and
/// values — from memory, from the L2 and, through the backplane, from the other nodes' memory.
/// </summary>
/// <param name="methodName">The cached method, e.g. <c>nameof(GetProductAsync)</c>.</param>
/// <remarks>A failed call (exception) evicts nothing. Repeat the attribute to evict several methods.</remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class InvalidatesCacheAttribute(string methodName) : Attribute
{
    /// <summary>The name of the cached method whose entry is evicted.</summary>
    public string MethodName { get; } = methodName;
}
