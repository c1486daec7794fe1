namespace Aspects.Caching;

/// <summary>
/// The settings of one <see cref="CachedAttribute"/> method. Generated code creates one per method as a
/// <c>static readonly</c> field and passes it to <see cref="TieredCache.Region{TKey, TValue}"/>.
/// </summary>
public sealed class CacheDefinition
{
    private readonly string[] _tags;

    // Resolves the policy's lifetimes when the attribute names one; null otherwise.
    private readonly Binding? _binding;

    /// <summary>Creates the definition of a cached method.</summary>
    /// <param name="methodName">The method's full name, <c>Namespace.Type.Method</c>; names its metrics and its L2 keys.</param>
    /// <param name="settings">The attribute's lifetimes (a policy's values, when <paramref name="policy"/> names one, override them).</param>
    /// <param name="tags">Tags for <see cref="TieredCache.InvalidateTagAsync"/>; may be empty.</param>
    /// <param name="policy">The configuration policy name, or <see langword="null"/> (the default) for none.</param>
    /// <param name="inProcessOnly">
    /// Whether the method's results stay in process, as a synchronous method's do (see <see cref="InProcessOnly"/>);
    /// generated code passes <see langword="true"/> for those. Default <see langword="false"/>.
    /// </param>
    /// <exception cref="ArgumentException">A name, a tag or the policy name is null or empty.</exception>
    public CacheDefinition(string methodName, Policies.CacheSettings settings, string[] tags, string? policy = null, bool inProcessOnly = false)
        : this(methodName, string.Empty, [], settings, tags, policy, inProcessOnly)
    {
    }

    /// <summary>Creates the definition of a cached method whose L2 keys also name its result's shape and, for a generic type, its closed type.</summary>
    /// <param name="methodName">The method's full name (with type parameters, <c>Namespace.Repo&lt;T&gt;.Method</c>); names its metrics.</param>
    /// <param name="resultShape">
    /// The fingerprint of the result type's serialized shape, computed by the generator (hex digits, or empty
    /// for none); part of <see cref="KeyName"/>, so a build whose result type has another shape (a renamed or
    /// retyped member) never reads an entry another build wrote.
    /// </param>
    /// <param name="typeArguments">
    /// The closed type arguments of the containing types, outermost first (generated code passes <c>typeof(T)</c>
    /// from a static field of the generic type, so this runs once per closed type); they become part of
    /// <see cref="KeyName"/>, so <c>Repo&lt;Customer&gt;</c> and <c>Repo&lt;Supplier&gt;</c> never share entries.
    /// </param>
    /// <param name="settings">The attribute's lifetimes (a policy's values, when <paramref name="policy"/> names one, override them).</param>
    /// <param name="tags">Tags for <see cref="TieredCache.InvalidateTagAsync"/>; may be empty.</param>
    /// <param name="policy">The configuration policy name, or <see langword="null"/> (the default) for none.</param>
    /// <param name="inProcessOnly">
    /// Whether the method's results stay in process, as a synchronous method's do (see <see cref="InProcessOnly"/>);
    /// generated code passes <see langword="true"/> for those. Default <see langword="false"/>.
    /// </param>
    /// <exception cref="ArgumentException">A name, a tag or the policy name is null or empty.</exception>
    public CacheDefinition(
        string methodName,
        string resultShape,
        Type[] typeArguments,
        Policies.CacheSettings settings,
        string[] tags,
        string? policy = null,
        bool inProcessOnly = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        ArgumentNullException.ThrowIfNull(resultShape);
        ArgumentNullException.ThrowIfNull(typeArguments);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tags);
        KeyName = (resultShape.Length == 0 ? methodName : methodName + "@" + resultShape)
            + (typeArguments.Length == 0 ? string.Empty : TypeArgumentList(typeArguments));

        MethodName = methodName;
        Settings = settings;
        InProcessOnly = inProcessOnly;
        _tags = [.. tags];
        foreach (var tag in _tags)
        {
            if (Rules.CacheRules.CheckTag(tag) is { } why)
            {
                throw new ArgumentException($"{Rules.CacheRules.Tags} = \"{tag}\" is invalid: {why}.", nameof(tags));
            }
        }

        Policy = policy;
        if (policy is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(policy);
            _binding = new Binding(policy, settings);
        }
    }

    /// <summary>The method's full name, <c>Namespace.Type.Method</c>.</summary>
    public string MethodName { get; }

    /// <summary>
    /// What every L2 key of the method starts with (<see cref="CacheKeyBuilder"/>): <see cref="MethodName"/>,
    /// <c>@</c> and the result shape's fingerprint when there is one, and for a generic containing type its
    /// closed type arguments in brackets (<c>Shop.Repo&lt;T&gt;.GetAsync@0123456789abcdef[Shop.Customer]</c>).
    /// </summary>
    public string KeyName { get; }

    /// <summary>
    /// The attribute's lifetimes: what every entry gets when the definition has no <see cref="Policy"/>, and what
    /// the policy leaves unset when it has one.
    /// </summary>
    public Policies.CacheSettings Settings { get; }

    /// <summary>
    /// Whether the method's results stay in process (a synchronous method: its callers never wait on the network).
    /// Then no entry of it is ever in the L2, so evicting one writes no L2 eviction record and removes nothing there;
    /// the backplane still evicts it on every node.
    /// </summary>
    public bool InProcessOnly { get; }

    /// <summary>The method's tags.</summary>
    public IReadOnlyList<string> Tags => _tags;

    /// <summary>
    /// The name of the policy (<c>Aspects:Cache:{name}</c>) whose <c>DurationSeconds</c> and
    /// <c>LocalDurationSeconds</c> override <see cref="Settings"/> for entries
    /// written after it is loaded or changed; <see langword="null"/> when the attribute names none.
    /// </summary>
    public string? Policy { get; }

    internal string[] TagArray => _tags;

    // [A,B]: each type by its full name without assembly, generic arguments nested the same way, so the text
    // is a tree that parses back one way only; stable across builds and processes, unlike assembly-qualified names.
    private static string TypeArgumentList(Type[] types)
    {
        var text = new System.Text.StringBuilder();
        AppendList(text, types);
        return text.ToString();

        static void AppendList(System.Text.StringBuilder text, Type[] types)
        {
            text.Append('[');
            for (var i = 0; i < types.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                AppendType(text, types[i]);
            }

            text.Append(']');
        }

        static void AppendType(System.Text.StringBuilder text, Type type)
        {
            ArgumentNullException.ThrowIfNull(type);
            if (type.HasElementType)
            {
                AppendType(text, type.GetElementType()!);
                text.Append(type.IsArray ? "[" + new string(',', type.GetArrayRank() - 1) + "]" : type.IsPointer ? "*" : "&");
                return;
            }

            if (type.IsConstructedGenericType)
            {
                var definition = type.GetGenericTypeDefinition();
                text.Append(definition.FullName ?? definition.Name);
                AppendList(text, type.GetGenericArguments());
                return;
            }

            text.Append(type.FullName ?? type.Name);
        }
    }

    /// <summary>
    /// The lifetimes of entries written now: <see cref="Settings"/> itself (one branch, nothing allocated) without a
    /// policy or a policy store, else the policy merged over it (the same instance until the policies change).
    /// </summary>
    internal Policies.CacheSettings Resolve(Policies.PolicyStore? store) =>
        _binding is null || store is null ? Settings : _binding.ResolveWithSnapshot(store).Settings;

    internal bool HasTag(string tag) => Array.IndexOf(_tags, tag) >= 0;

    // The region of the cache that asked last (a region knows its cache). Almost every process has one
    // runtime, so the per-call region lookup becomes a field read, a type check and a reference comparison.
    // A plain field: a reference is published whole, and a stale read only sends the caller to the slow path.
    internal object? LastRegion;

    // The policy lookup, cached per policy snapshot by PolicyBinding; a private detail of the definition.
    private sealed class Binding(string policy, Policies.CacheSettings defaults)
        : Policies.PolicyBinding<Policies.CachePolicy, Policies.CacheSettings>(policy, defaults)
    {
        private protected override string Section => Policies.PolicyConfigurationReader.CacheSection;

        private protected override Dictionary<string, Policies.CachePolicy> PoliciesOf(Policies.PolicySnapshot snapshot) => snapshot.Cache;

        private protected override Policies.CacheSettings Merge(Policies.CachePolicy policy) => Defaults.With(policy);

        private protected override bool Same(Policies.CacheSettings left, Policies.CacheSettings right) => left.SameAs(right);
    }
}
