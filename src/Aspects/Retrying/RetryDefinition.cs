using System.ComponentModel;
using System.Runtime.CompilerServices;
using Aspects.Policies;

namespace Aspects.Retrying;

/// <summary>
/// The retry settings of one <c>[Retry]</c> method as compiled (a static field of the generated code): the
/// attribute's values and, with <c>Policy = "name"</c>, the named policy (<c>Aspects:Retry:{name}</c>) laid over
/// them. The generated loop asks it for the settings once per call that needs a retry.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RetryDefinition
{
    private readonly RetrySettings _settings;
    private readonly Binding? _binding;

    /// <summary>The settings of a method.</summary>
    /// <param name="settings">The attribute's values: the settings themselves, or with a policy whatever it leaves unset.</param>
    /// <param name="policy">The policy name, or <see langword="null"/> (the default) for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="policy"/> is empty or white space.</exception>
    public RetryDefinition(RetrySettings settings, string? policy = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _binding = policy is null ? null : new Binding(policy, settings);
    }

    /// <summary>The attribute's values.</summary>
    public RetrySettings Settings => _settings;

    /// <summary>The policy name, or <see langword="null"/> when the method has none.</summary>
    public string? Policy => _binding?.Policy;

    /// <summary>
    /// The effective settings on <paramref name="runtime"/>: without a policy the attribute's values (one branch, no
    /// allocation); with one, the policy merged over them, the same instance until the runtime's policies change
    /// (a policy the runtime does not have leaves the attribute's values and is reported once).
    /// </summary>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The merged values are out of range; the message names the setting.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RetrySettings Resolve(AspectRuntime runtime) => _binding is null ? _settings : _binding.Resolve(runtime);

    private sealed class Binding(string policy, RetrySettings defaults) : PolicyBinding<RetryPolicy, RetrySettings>(policy, defaults)
    {
        private protected override string Section => PolicyConfigurationReader.RetrySection;

        private protected override Dictionary<string, RetryPolicy> PoliciesOf(PolicySnapshot snapshot) => snapshot.Retry;

        private protected override RetrySettings Merge(RetryPolicy policy) => Defaults.With(policy);

        private protected override bool Same(RetrySettings left, RetrySettings right) => left.SameAs(right);
    }
}
