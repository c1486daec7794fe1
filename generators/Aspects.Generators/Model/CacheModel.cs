namespace Aspects.Generators.Model;

/// <summary>The <c>[Cached]</c> settings of a method, already validated.</summary>
/// <param name="Name">Names the method in cache keys: its full name, with parameter types when it is overloaded.</param>
/// <param name="Key">How the cache key is formed.</param>
/// <param name="ValueType">The cached value type (the <c>T</c> of <c>Task&lt;T&gt;</c>).</param>
/// <param name="DurationSeconds">Overall time to live, in seconds, as the attribute says.</param>
/// <param name="LocalDurationSeconds">Time to live in process, in seconds, as the attribute says (0: the derived default, see <c>CacheRules.LocalSecondsOf</c>).</param>
/// <param name="Tags">Tags for invalidation.</param>
/// <param name="Policy">The configuration policy name, or <see langword="null"/>.</param>
/// <param name="TypeParameters">
/// The type parameters of the containing types, outermost first, whose closed arguments become part of the L2 key.
/// </param>
/// <param name="ResultShape">The fingerprint of the result type's serialized shape, part of the L2 key.</param>
internal sealed record CacheModel(
    string Name,
    CacheKeyModel Key,
    string ValueType,
    int DurationSeconds,
    int LocalDurationSeconds,
    EquatableArray<string> Tags,
    string? Policy,
    EquatableArray<string> TypeParameters,
    string ResultShape);

/// <summary>The key of a cached method: its key parameters, in order.</summary>
/// <param name="Parts">The key parameters.</param>
/// <param name="WrapSingle">Whether a single key is wrapped in a one-element tuple (it may be null).</param>
internal sealed record CacheKeyModel(EquatableArray<CacheKeyPart> Parts, bool WrapSingle);

/// <summary>One parameter of a cache key.</summary>
/// <param name="Parameter">The parameter name.</param>
/// <param name="Shape">The parameter's type (<see cref="KeyShape.Type"/>), how the in-process tier compares it and how its L2 text is written.</param>
/// <param name="ExactRuntimeType">
/// For a record class that is not sealed: the type an argument must have exactly to be cached (an instance of a
/// derived record may hold members the key does not); <see langword="null"/> otherwise.
/// </param>
internal sealed record CacheKeyPart(string Parameter, KeyShape Shape, string? ExactRuntimeType);

/// <summary>
/// A key value: a leaf (a supported type) or a composite (a record, record struct or value tuple) keyed by its
/// members, whose in-process component is a value tuple of the members' components.
/// </summary>
/// <param name="Type">The fully qualified type.</param>
/// <param name="ExactType">
/// For a leaf: the fully qualified <c>Aspects.Caching.Exact*</c> component the in-process tier keys on instead of
/// the value, when the type's own equality ignores something the method's body can see (a <c>DateTime</c>'s kind,
/// a <c>decimal</c>'s scale, the sign of a floating-point zero); <see langword="null"/> when its equality is exact.
/// </param>
/// <param name="IsNullableValueType">Whether the type is <c>Nullable&lt;T&gt;</c>.</param>
/// <param name="IsReference">Whether the type is a reference type (a composite that may be null).</param>
/// <param name="Members">A composite's members, in a fixed order; empty for a leaf.</param>
/// <param name="IsComposite">Whether this is a record or tuple keyed by its members.</param>
internal sealed record KeyShape(
    string Type, string? ExactType, bool IsNullableValueType, bool IsReference, EquatableArray<KeyMember> Members, bool IsComposite);

/// <summary>A member of a composite key value.</summary>
/// <param name="Name">The member to read (a property, a field, or a tuple's <c>ItemN</c>).</param>
/// <param name="Shape">Its shape.</param>
internal sealed record KeyMember(string Name, KeyShape Shape);

/// <summary>A cache that a method evicts after it succeeds (<c>[InvalidatesCache]</c>).</summary>
/// <param name="TargetSuffix">The member suffix of the cached method (names its definition and key builder).</param>
/// <param name="Key">The cached method's key, whose parameter names this method has too.</param>
/// <param name="ValueType">The cached value type.</param>
internal sealed record InvalidationModel(string TargetSuffix, CacheKeyModel Key, string ValueType);
