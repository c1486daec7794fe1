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
    string FullName,
    string MemberSuffix,
    string Accessibility,
    CacheModel? Cache,
    EquatableArray<InvalidationModel> Invalidations,
    BatchModel? Batch,
    RetryModel? Retry,
    RateLimitModel? RateLimit)
{
    /// <summary>
    /// The name of the caller's <c>CancellationToken</c> parameter (the first one, when there are several), or
    /// <see langword="null"/>. Computed from <see cref="Parameters"/>, so record equality covers it through them.
    /// </summary>
    public string? CancellationToken
    {
        get
        {
            foreach (var parameter in Parameters)
            {
                if (parameter.IsCancellationToken)
                {
                    return parameter.Name;
                }
            }

            return null;
        }
    }
}

/// <summary>One parameter of an annotated method.</summary>
/// <param name="Name">The name as written (escaped when it is a keyword).</param>
/// <param name="Type">The fully qualified type.</param>
/// <param name="Prefix">Modifiers that must be repeated on the implementation (<c>this </c>, <c>params </c>, <c>scoped </c>).</param>
/// <param name="IsCancellationToken">
/// Whether the type is <c>System.Threading.CancellationToken</c> itself (not <c>CancellationToken?</c>), so the wrappers pass it on
/// as the caller's token.
/// </param>
internal sealed record ParameterModel(string Name, string Type, string Prefix, bool IsCancellationToken);

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
