namespace Aspects.Hosting;

/// <summary>
/// The container's handle on the <see cref="AspectRuntime"/> that <c>AddAspects</c> registers: a singleton the
/// container creates, so it is disposed with the container and stops the runtime's backplane subscription.
/// </summary>
internal sealed class AspectRuntimeHolder(AspectRuntime runtime) : IDisposable
{
    public AspectRuntime Runtime { get; } = runtime;

    public void Dispose() => Runtime.Cache.Dispose();
}

/// <summary>Marks a collection in which <c>AddAspects</c> registered the runtime; later calls find its builder here.</summary>
internal sealed class AspectsRegistration(AspectsBuilder builder)
{
    public AspectsBuilder Builder { get; } = builder;
}
