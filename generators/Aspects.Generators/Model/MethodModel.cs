namespace Aspects.Generators.Model;

/// <summary>Everything the emitters need about one annotated method and all of its aspects.</summary>
/// <param name="HintName">The generated file's name.</param>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global one.</param>
/// <param name="ContainingTypes">Declarations of the enclosing types, outermost first (e.g. <c>partial class Outer&lt;T&gt;</c>).</param>
/// <param name="SelfType">The fully qualified containing type, used where generated code names it.</param>
/// <param name="Modifiers">The declaration's modifiers without <c>partial</c>, as the user wrote them.</param>
/// <param name="Name">The method name as written (escaped when it is a keyword).</param>
/// <param name="TypeParameters">The method's type parameter list including angle brackets, or empty.</param>
/// <param name="Constraints">One <c>where</c> clause per constrained type parameter.</param>
/// <param name="ReturnType">The fully qualified return type.</param>
/// <param name="Returns">What kind of value the method returns.</param>
/// <param name="ResultType">The awaited result type for <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>, else <see langword="null"/>.</param>
/// <param name="Parameters">The parameters in order.</param>
/// <param name="CoreName">The name of the user's body method (<c>{Name}Core</c>).</param>
/// <param name="CoreIsAsync">Whether the body method is declared <c>async</c>, so it reports every failure through its task.</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="RuntimeExpression">The C# expression that yields the <c>AspectRuntime</c> in the method's scope.</param>
/// <param name="CancellationToken">The name of the caller's <c>CancellationToken</c> parameter, or <see langword="null"/>.</param>
/// <param name="FullName">The method's full name (<c>Namespace.Type.Method</c>), for telemetry and default limiter names.</param>
/// <param name="MemberSuffix">Names the members generated next to the method (the method name, numbered for overloads).</param>
/// <param name="Accessibility">The method's accessibility keywords, for generated companion methods.</param>
/// <param name="Cache">The <c>[Cached]</c> settings, or <see langword="null"/>.</param>
/// <param name="Invalidations">The caches that <c>[InvalidatesCache]</c> evicts after the method succeeds.</param>
/// <param name="Batch">The <c>[Batched]</c> settings, or <see langword="null"/>.</param>
/// <param name="Retry">The <c>[Retry]</c> settings, or <see langword="null"/>.</param>
/// <param name="RateLimit">The <c>[RateLimited]</c> settings, or <see langword="null"/>.</param>
internal sealed record MethodModel(
    string HintName,
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string SelfType,
    string Modifiers,
    string Name,
    string TypeParameters,
    EquatableArray<string> Constraints,
    string ReturnType,
    ReturnKind Returns,
    string? ResultType,
    EquatableArray<ParameterModel> Parameters,
    string CoreName,
    bool CoreIsAsync,
    bool IsStatic,
    string RuntimeExpression,
    string? CancellationToken,
    string FullName,
    string MemberSuffix,
    string Accessibility,
    CacheModel? Cache,
    EquatableArray<InvalidationModel> Invalidations,
    BatchModel? Batch,
    RetryModel? Retry,
    RateLimitModel? RateLimit);

/// <summary>One parameter of an annotated method.</summary>
/// <param name="Name">The name as written (escaped when it is a keyword).</param>
/// <param name="Type">The fully qualified type.</param>
/// <param name="Prefix">Modifiers that must be repeated on the implementation (<c>this </c>, <c>params </c>, <c>scoped </c>).</param>
internal sealed record ParameterModel(string Name, string Type, string Prefix);

/// <summary>The <c>[Retry]</c> settings of a method, already validated.</summary>
/// <param name="MaxAttempts">Total attempts.</param>
/// <param name="DelayMilliseconds">Base delay.</param>
/// <param name="MaxDelayMilliseconds">Cap of one delay.</param>
/// <param name="Backoff">The <c>RetryBackoff</c> member name.</param>
/// <param name="Jitter">Whether delays are randomized.</param>
/// <param name="Handle">Fully qualified exception types; empty means the transient ones.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
internal sealed record RetryModel(
    int MaxAttempts,
    int DelayMilliseconds,
    int MaxDelayMilliseconds,
    string Backoff,
    bool Jitter,
    EquatableArray<string> Handle,
    string? Policy = null);

/// <summary>The <c>[Cached]</c> settings of a method, already validated.</summary>
/// <param name="Name">Names the method in cache keys: its full name, with parameter types when it is overloaded.</param>
/// <param name="Key">How the cache key is formed.</param>
/// <param name="ValueType">The cached value type (the <c>T</c> of <c>Task&lt;T&gt;</c>).</param>
/// <param name="DurationSeconds">Overall time to live.</param>
/// <param name="LocalDurationSeconds">Time to live in process (resolved).</param>
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
/// <param name="Type">The fully qualified type.</param>
/// <param name="Shape">How the in-process tier compares it and how its L2 text is written.</param>
/// <param name="ExactRuntimeType">
/// For a record class that is not sealed: the type an argument must have exactly to be cached (an instance of a
/// derived record may hold members the key does not); <see langword="null"/> otherwise.
/// </param>
internal sealed record CacheKeyPart(string Parameter, string Type, KeyShape Shape, string? ExactRuntimeType);

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

/// <summary>The <c>[RateLimited]</c> settings of a method, already validated and resolved.</summary>
/// <param name="Name">The bucket name (the attribute's, or the method's full name).</param>
/// <param name="PermitsPerSecond">The refill rate, as C# source text (round-trippable).</param>
/// <param name="Burst">The bucket capacity, resolved (never 0).</param>
/// <param name="Mode">The <c>RateLimitMode</c> member name.</param>
/// <param name="MaxWaitMilliseconds">The longest wait in Wait mode.</param>
/// <param name="Scope">The <c>RateLimitScope</c> member name.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
/// <param name="ConfiguredBurst">The burst as written (0 = follow the rate), the default a policy starts from.</param>
/// <param name="Partition">The <c>[RateLimitPartition]</c> parameter, or <see langword="null"/> for one bucket.</param>
internal sealed record RateLimitModel(
    string Name,
    string PermitsPerSecond,
    int Burst,
    string Mode,
    int MaxWaitMilliseconds,
    string Scope,
    string? Policy = null,
    int ConfiguredBurst = 0,
    RateLimitPartitionModel? Partition = null);

/// <summary>The parameter whose value selects a <c>[RateLimited]</c> method's bucket.</summary>
/// <param name="Parameter">The parameter name, escaped for C#.</param>
/// <param name="Type">Its fully qualified type.</param>
/// <param name="Shape">Its key shape (a leaf: the partition key is one cache-key segment).</param>
internal sealed record RateLimitPartitionModel(string Parameter, string Type, KeyShape Shape);

/// <summary>The <c>[Batched]</c> settings and shapes of a method, already validated.</summary>
/// <param name="KeyType">The fully qualified key type.</param>
/// <param name="ValueType">The fully qualified value type.</param>
/// <param name="KeyParameter">The name of the key parameter of the declared method.</param>
/// <param name="MaxBatchSize">Flush when this many distinct keys wait.</param>
/// <param name="MaxDelayMilliseconds">Flush this long after the first key of a batch arrived.</param>
/// <param name="ThrowOnMissingKey">Whether a key missing from the body's result fails its caller.</param>
/// <param name="CoreReturnsList">Whether the body returns values aligned with the keys instead of a dictionary.</param>
/// <param name="CoreTakesToken">Whether the body takes a <c>CancellationToken</c>.</param>
/// <param name="Policy">The named policy that overrides the values at run time, or <see langword="null"/>.</param>
/// <param name="ExactKey">
/// The key's shape when the batcher must tell keys apart by their exact components (the key type's own equality
/// merges values the body can tell apart, or it is an unsealed record); <see langword="null"/> for its own equality.
/// </param>
/// <param name="DerivedKeysByReference">
/// Whether the key is an unsealed record, so an instance of a derived type (which may hold members the exact
/// components do not) equals only itself.
/// </param>
internal sealed record BatchModel(
    string KeyType,
    string ValueType,
    string KeyParameter,
    int MaxBatchSize,
    int MaxDelayMilliseconds,
    bool ThrowOnMissingKey,
    bool CoreReturnsList,
    bool CoreTakesToken,
    string? Policy = null,
    KeyShape? ExactKey = null,
    bool DerivedKeysByReference = false);

/// <summary>The shapes of return value the wrappers support.</summary>
internal enum ReturnKind
{
    /// <summary><c>void</c>.</summary>
    Void,

    /// <summary>A plain value returned synchronously.</summary>
    Value,

    /// <summary><c>Task</c>.</summary>
    Task,

    /// <summary><c>Task&lt;T&gt;</c>.</summary>
    TaskOfT,

    /// <summary><c>ValueTask</c>.</summary>
    ValueTask,

    /// <summary><c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTaskOfT,
}

internal static class ReturnKindExtensions
{
    public static bool IsAsync(this ReturnKind kind) => kind >= ReturnKind.Task;

    public static bool HasResult(this ReturnKind kind) =>
        kind is ReturnKind.Value or ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT;
}
