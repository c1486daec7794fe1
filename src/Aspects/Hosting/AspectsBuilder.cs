namespace Aspects.Hosting;

/// <summary>
/// Configures the <see cref="AspectRuntime"/> that <c>services.AddAspects(...)</c> registers; packages
/// such as <c>Aspects.Redis</c> and <c>Aspects.PostgreSql</c> add <c>Use…</c> extension methods to it.
/// </summary>
public sealed class AspectsBuilder
{
    private readonly List<Action<IServiceProvider, AspectRuntimeOptions>> _configurations = [];

    internal AspectsBuilder(Microsoft.Extensions.DependencyInjection.IServiceCollection services) => Services = services;

    /// <summary>The service collection, for extensions that register what they need (a connection, a data source).</summary>
    public Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }

    /// <summary>
    /// Adds a step that adjusts the runtime's options when the runtime is first resolved, with access to
    /// the application's services. Steps run in the order they were added.
    /// </summary>
    /// <param name="configure">Receives the services and the options to change.</param>
    /// <returns>This builder, for chaining.</returns>
    public AspectsBuilder Configure(Action<IServiceProvider, AspectRuntimeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configurations.Add(configure);
        return this;
    }

    internal AspectRuntime Build(IServiceProvider services)
    {
        var options = new AspectRuntimeOptions();
        if (services.GetService(typeof(TimeProvider)) is TimeProvider time)
        {
            options.TimeProvider = time;
        }

        if (services.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)) is Microsoft.Extensions.Logging.ILoggerFactory loggers)
        {
            options.LoggerFactory = loggers;
        }

        foreach (var configure in _configurations)
        {
            configure(services, options);
        }

        return new AspectRuntime(options);
    }
}
