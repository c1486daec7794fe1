using Aspects.Policies;

namespace Aspects.Batching;

/// <summary>
/// The settings of one <see cref="BatchedAttribute"/> method. Generated code creates one per method as a
/// <c>static readonly</c> field and passes it to
/// <see cref="AspectRuntime.CreateMicroBatcher{TKey, TValue}(BatchDefinition, Func{IReadOnlyList{TKey}, CancellationToken, Task{IReadOnlyDictionary{TKey, TValue}}}, IEqualityComparer{TKey})"/>.
/// </summary>
public sealed class BatchDefinition
{
    private readonly BatchingPolicyBinding? _binding;

    /// <summary>Creates the definition of a batched method.</summary>
    /// <param name="methodName">The method's full name, <c>Namespace.Type.Method</c>; names its metrics, spans, logs and errors.</param>
    /// <param name="settings">The attribute's values: the batcher's settings, or with a policy whatever the policy leaves unset.</param>
    /// <param name="policy">
    /// The name of the policy (<c>Aspects:Batching:{name}</c>) whose values override <paramref name="settings"/> for
    /// batches opened after it is loaded or changed; <see langword="null"/> (the default) when the attribute names none.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="methodName"/> is empty, or <paramref name="policy"/> is empty or white space.</exception>
    public BatchDefinition(string methodName, BatchingSettings settings, string? policy = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        ArgumentNullException.ThrowIfNull(settings);
        MethodName = methodName;
        Settings = settings;
        Policy = policy;
        if (policy is not null)
        {
            _binding = new BatchingPolicyBinding(policy, settings);
        }
    }

    /// <summary>The method's full name, <c>Namespace.Type.Method</c>.</summary>
    public string MethodName { get; }

    /// <summary>The attribute's values.</summary>
    public BatchingSettings Settings { get; }

    /// <summary>The policy name, or <see langword="null"/> when the attribute names none.</summary>
    public string? Policy { get; }

    /// <summary>
    /// The effective settings on <paramref name="runtime"/>: <see cref="Settings"/> without a policy; with one, the
    /// policy merged over them (the same instance until the runtime's policies change).
    /// </summary>
    /// <param name="runtime">The runtime whose policies apply.</param>
    /// <returns>The settings.</returns>
    public BatchingSettings Resolve(AspectRuntime runtime) => _binding is null ? Settings : _binding.Resolve(runtime);
}
