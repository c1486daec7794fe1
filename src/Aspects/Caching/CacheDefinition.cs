namespace Aspects.Caching;

/// <summary>
/// The settings of one <see cref="CachedAttribute"/> method. Generated code creates one per method as a
/// <c>static readonly</c> field and passes it to <see cref="TieredCache.Region{TKey, TValue}"/>.
/// </summary>
public sealed class CacheDefinition
{
    // Local copies are re-checked against the L2 at least this often unless the attribute says otherwise.
    private static readonly TimeSpan DefaultMaxLocalDuration = TimeSpan.FromSeconds(60);

    private readonly string[] _tags;


    /// <summary>Creates the definition of a cached method.</summary>
    /// <param name="methodName">The method's full name, <c>Namespace.Type.Method</c>; names its metrics and its L2 keys.</param>
    /// <param name="duration">How long a result is valid (the L2 lifetime); positive.</param>
    /// <param name="localDuration">
    /// How long an L1 copy is trusted when an L2 exists; zero or less means min(<paramref name="duration"/>, 60 s),
    /// and it never exceeds <paramref name="duration"/>.
    /// </param>
    /// <param name="tags">Tags for <see cref="TieredCache.InvalidateTagAsync"/>; may be empty.</param>
    /// <param name="policy">The configuration policy name, or <see langword="null"/>.</param>
    public CacheDefinition(string methodName, TimeSpan duration, TimeSpan localDuration, string[] tags, string? policy)
        : this(methodName, string.Empty, [], duration, localDuration, tags, policy)
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
    /// <param name="duration">How long a result is valid (the L2 lifetime); positive.</param>
    /// <param name="localDuration">
    /// How long an L1 copy is trusted when an L2 exists; zero or less means min(<paramref name="duration"/>, 60 s),
    /// and it never exceeds <paramref name="duration"/>.
    /// </param>
    /// <param name="tags">Tags for <see cref="TieredCache.InvalidateTagAsync"/>; may be empty.</param>
    /// <param name="policy">The configuration policy name, or <see langword="null"/>.</param>
    public CacheDefinition(
        string methodName, string resultShape, Type[] typeArguments, TimeSpan duration, TimeSpan localDuration, string[] tags, string? policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        ArgumentNullException.ThrowIfNull(resultShape);
        ArgumentNullException.ThrowIfNull(typeArguments);
        KeyName = (resultShape.Length == 0 ? methodName : methodName + "@" + resultShape)
            + (typeArguments.Length == 0 ? string.Empty : TypeArgumentList(typeArguments));
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);

        MethodName = methodName;
        Duration = duration;
        if (localDuration <= TimeSpan.Zero)
        {
            localDuration = duration < DefaultMaxLocalDuration ? duration : DefaultMaxLocalDuration;
        }

        LocalDuration = localDuration > duration ? duration : localDuration;
        _tags = [.. tags];
        foreach (var tag in _tags)
        {
            ArgumentException.ThrowIfNullOrEmpty(tag, nameof(tags));
        }

        Policy = policy;
        if (policy is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(policy);
            PolicyBinding = new Policies.CachePolicyBinding(policy, new Policies.CacheSettings(Duration, LocalDuration));
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

    /// <summary>How long a result is valid: the L2 lifetime, and the L1 lifetime when there is no L2.</summary>
    public TimeSpan Duration { get; }

    /// <summary>How long an L1 copy is trusted when an L2 exists; never more than <see cref="Duration"/>.</summary>
    public TimeSpan LocalDuration { get; }

    /// <summary>The method's tags.</summary>
    public IReadOnlyList<string> Tags => _tags;

    /// <summary>
    /// The name of the policy (<c>Aspects:Cache:{name}</c>) whose <c>DurationSeconds</c> and
    /// <c>LocalDurationSeconds</c> override <see cref="Duration"/> and <see cref="LocalDuration"/> for entries
    /// written after it is loaded or changed; <see langword="null"/> when the attribute names none.
    /// </summary>
    public string? Policy { get; }

    internal Policies.CachePolicyBinding? PolicyBinding { get; }

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

    internal bool HasTag(string tag) => Array.IndexOf(_tags, tag) >= 0;

    // The region of the cache that asked last (a region knows its cache). Almost every process has one
    // runtime, so the per-call region lookup becomes a field read, a type check and a reference comparison.
    // A plain field: a reference is published whole, and a stale read only sends the caller to the slow path.
    internal object? LastRegion;
}
