using Aspects.Policies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Aspects.Hosting;

/// <summary>Fills <see cref="AspectPolicies"/> from the section given to <c>UseConfiguration</c>; never throws (problems are collected).</summary>
internal sealed class PolicyConfigurationSetup(IConfiguration section) : IConfigureOptions<AspectPolicies>
{
    public void Configure(AspectPolicies options)
    {
        options.SourcePath = AspectsBuilder.PathOf(section);
        PolicyConfigurationReader.Read(section, options);
    }
}

/// <summary>Tells <see cref="IOptionsMonitor{TOptions}"/> of <see cref="AspectPolicies"/> when the configuration reloads.</summary>
internal sealed class PolicyChangeTokenSource(IConfiguration section) : IOptionsChangeTokenSource<AspectPolicies>
{
    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => section.GetReloadToken();
}

/// <summary>Exists only so <c>ValidateOnStart</c> resolves the runtime when a host starts.</summary>
internal sealed class AspectsStartupValidation
{
}
