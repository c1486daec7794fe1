using Aspects.Policies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aspects.Hosting;

/// <summary>
/// Configures the <see cref="AspectRuntime"/> that <c>services.AddAspects(...)</c> registers; packages
/// such as <c>Aspects.Redis</c> and <c>Aspects.PostgreSql</c> add <c>Use…</c> extension methods to it.
/// </summary>
public sealed class AspectsBuilder
{
    private readonly List<Action<IServiceProvider, AspectRuntimeOptions>> _configurations = [];
    private IConfiguration? _policySection;

    internal AspectsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for extensions that register what they need (a connection, a data source).</summary>
    public IServiceCollection Services { get; }

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

    /// <summary>
    /// Takes the named policies from <paramref name="section"/> (usually <c>configuration.GetSection("Aspects")</c>):
    /// <c>Cache:{name}</c>, <c>RateLimits:{name}</c>, <c>Retry:{name}</c> and <c>Batching:{name}</c>, whose settings
    /// override those of attributes naming the policy (<c>Policy = "name"</c>). The policies are read through
    /// <see cref="IOptionsMonitor{TOptions}"/> of <see cref="AspectPolicies"/>, so
    /// <c>services.Configure&lt;AspectPolicies&gt;(...)</c> can add to them, and they reload when the configuration
    /// changes. See <c>docs/configuration.md</c>.
    /// </summary>
    /// <param name="section">The configuration section holding the policies.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <remarks>
    /// Invalid settings (a number that does not parse or is out of range, an unknown setting or enum name) fail
    /// the resolution of <see cref="AspectRuntime"/> with an <see cref="OptionsValidationException"/> whose message
    /// names every bad key, e.g. <c>Aspects:Retry:payments:MaxAttempts</c>; with a host that happens when it starts.
    /// An invalid reload is logged as an error (event 5001) and the previous policies stay in effect.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// It was called before (by this or an earlier <c>AddAspects</c> call) with a section of another path; calling it
    /// again with the same path has no further effect.
    /// </exception>
    public AspectsBuilder UseConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (_policySection is not null)
        {
            if (PathOf(section) == PathOf(_policySection))
            {
                return this;
            }

            throw new InvalidOperationException(
                $"UseConfiguration was called with two sections ('{PathOf(_policySection)}' and '{PathOf(section)}'): pass the one section that holds the Aspects policies.");
        }

        _policySection = section;
        Services.AddOptions();
        Services.AddSingleton<IConfigureOptions<AspectPolicies>>(new PolicyConfigurationSetup(section));
        Services.AddSingleton<IOptionsChangeTokenSource<AspectPolicies>>(new PolicyChangeTokenSource(section));

        // With a host, resolve the runtime (and so validate the policies) when the host starts, not on the first request.
        Services.AddOptions<AspectsStartupValidation>()
            .Validate<AspectRuntime>(static (_, runtime) => runtime is not null, "The Aspects runtime could not be created.")
            .ValidateOnStart();
        return this;
    }

    internal static string PathOf(IConfiguration section) => section is IConfigurationSection named ? named.Path : string.Empty;

    internal AspectRuntime Build(IServiceProvider services)
    {
        var options = new AspectRuntimeOptions();
        options.TimeProvider = services.GetService<TimeProvider>() ?? options.TimeProvider;
        options.LoggerFactory = services.GetService<ILoggerFactory>() ?? options.LoggerFactory;

        IOptionsMonitor<AspectPolicies>? monitor = null;
        if (_policySection is not null)
        {
            monitor = services.GetRequiredService<IOptionsMonitor<AspectPolicies>>();
            var policies = monitor.CurrentValue;
            var problems = policies.Validate();
            if (problems.Count > 0)
            {
                throw new OptionsValidationException(Options.DefaultName, typeof(AspectPolicies), problems);
            }

            options.Policies = policies;
        }

        foreach (var configure in _configurations)
        {
            configure(services, options);
        }

        var runtime = new AspectRuntime(options);

        // The registration lives as long as the monitor (a singleton, like the runtime).
        monitor?.OnChange(policies => runtime.TryReloadPolicies(policies));
        return runtime;
    }
}
