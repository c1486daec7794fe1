using Aspects;
using Aspects.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Aspects in a dependency-injection container.</summary>
public static class AspectsServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="AspectRuntime"/> as a singleton. Services built by the container get it
    /// through their <see cref="AspectRuntime"/> constructor parameter, field or property, which the
    /// generated wrappers use. The runtime takes the container's <see cref="TimeProvider"/> and
    /// <see cref="Logging.ILoggerFactory"/> when registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds infrastructure, e.g. <c>builder.UseRedis(...).UsePostgreSql(...)</c>.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="InvalidOperationException">Aspects was already registered in this collection.</exception>
    public static IServiceCollection AddAspects(this IServiceCollection services, Action<AspectsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(AspectRuntime))
            {
                throw new InvalidOperationException(
                    "AddAspects was called twice: register Aspects once and configure everything in that call.");
            }
        }

        var builder = new AspectsBuilder(services);
        configure?.Invoke(builder);
        services.AddSingleton(builder.Build);
        return services;
    }
}
