using Aspects;
using Aspects.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Aspects in a dependency-injection container.</summary>
public static class AspectsServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="AspectRuntime"/> as a singleton. Services built by the container get it
    /// through their <see cref="AspectRuntime"/> constructor parameter, field or property, which the
    /// generated wrappers use. The runtime takes the container's <see cref="TimeProvider"/> and
    /// <see cref="Logging.ILoggerFactory"/> when registered. The container owns what this registers: disposing it
    /// stops the runtime's backplane subscription and disposes the connections and pools the <c>Use…</c> methods created.
    /// </summary>
    /// <remarks>
    /// Safe to call more than once, like <c>AddHybridCache</c>: every call configures the same runtime, and the
    /// <c>Use…</c> and <see cref="AspectsBuilder.Configure"/> steps of later calls add to those of earlier ones
    /// (libraries and tests can each call it). An <see cref="AspectRuntime"/> the application registered itself is
    /// left in place (<c>TryAdd</c>).
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds infrastructure, e.g. <c>builder.UseRedis(...).UsePostgreSql(...)</c>.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAspects(this IServiceCollection services, Action<AspectsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AspectsBuilder? builder = null;
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(AspectsRegistration) && descriptor.ImplementationInstance is AspectsRegistration existing)
            {
                builder = existing.Builder;
                break;
            }
        }

        if (builder is null)
        {
            builder = new AspectsBuilder(services);
            services.AddSingleton(new AspectsRegistration(builder));

            // The container creates the holder, so it disposes it (and with it the runtime's backplane subscription).
            services.TryAddSingleton(static provider => new AspectRuntimeHolder(provider.GetRequiredService<AspectsRegistration>().Builder.Build(provider)));
            services.TryAddSingleton(static provider => provider.GetRequiredService<AspectRuntimeHolder>().Runtime);
        }

        configure?.Invoke(builder);
        return services;
    }
}
