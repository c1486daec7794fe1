using Microsoft.CodeAnalysis;

namespace Aspects.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs are stable: never renumber, only add. Each has an
/// entry with a wrong/right example in docs/diagnostics.md, which the help link opens.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Aspects";
    private const string HelpBase = "https://github.com/aspects-dotnet/aspects/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor MethodMustBePartial = Error(
        "ASP0001",
        "Aspect method must be partial",
        "Method '{0}' has [{1}] but is not a partial method declaration: declare it as 'partial' without a body and move the body into '{2}'");

    public static readonly DiagnosticDescriptor TypeMustBePartial = Error(
        "ASP0002",
        "Type containing an aspect method must be partial",
        "Type '{0}' must be declared 'partial' because it contains method '{1}' with aspects: add the 'partial' modifier to '{0}'");

    /// <summary>ASP0003; <c>{2}</c> is one of the <see cref="MissingCoreMethodFix"/> endings, which says how to fix it.</summary>
    public static readonly DiagnosticDescriptor MissingCoreMethod = Error(
        "ASP0003",
        "Body method is missing",
        "Method '{0}' has aspects but its body method '{1}' does not exist{2}");

    public static readonly DiagnosticDescriptor CoreMethodSignatureMismatch = Error(
        "ASP0004",
        "Body method has the wrong signature",
        "Body method '{0}' does not match '{1}': declare it as '{2}'");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        "ASP0005",
        "Aspect methods cannot take ref, out or in parameters",
        "Parameter '{0}' of '{1}' is passed by '{2}', which aspects cannot wrap: pass it by value or return the value instead");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "ASP0006",
        "Unsupported return type",
        "Method '{0}' returns '{1}', which [{2}] does not support: return Task, Task<T>, ValueTask, ValueTask<T>{3}");

    public static readonly DiagnosticDescriptor InvalidAttributeValue = Error(
        "ASP0007",
        "Invalid aspect attribute value",
        "[{0}] {1} = {2} is invalid: {3}");

    public static readonly DiagnosticDescriptor MethodAlreadyImplemented = Error(
        "ASP0008",
        "Aspect method already has a body",
        "Partial method '{0}' has [{1}] and a body written by hand: the generator writes its implementation, so delete the implementing declaration and move the body into '{2}'");

    public static readonly DiagnosticDescriptor HandleTypeNotException = Error(
        "ASP0009",
        "Handled type is not an exception",
        "[Retry] Handle lists '{0}', which does not derive from System.Exception: list exception types only");

    public static readonly DiagnosticDescriptor UnsupportedTarget = Error(
        "ASP0010",
        "Aspects apply to methods of classes, structs and records only",
        "[{0}] cannot be applied to {1}: put it on a partial method of a class, struct or record");

    public static readonly DiagnosticDescriptor BatchedMethodShape = Error(
        "ASP0011",
        "Batched method has the wrong shape",
        "[Batched] method '{0}' cannot be batched: {1}");

    public static readonly DiagnosticDescriptor SynchronousRateLimitWait = new(
        "ASP0012",
        "Rate-limited synchronous method blocks while it waits",
        "[RateLimited] on synchronous method '{0}' in Wait mode blocks the calling thread while it waits for a permit: return Task or ValueTask, or set Mode = RateLimitMode.Reject",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "asp0012");

    public static readonly DiagnosticDescriptor CachedMethodShape = Error(
        "ASP0013",
        "Cached method has the wrong shape",
        "[Cached] method '{0}' cannot be cached: {1}");

    public static readonly DiagnosticDescriptor UnsupportedCacheKey = Error(
        "ASP0014",
        "Parameter cannot be part of a cache key",
        "Parameter '{0}' of type '{1}' cannot be part of the cache key of '{2}': key on the values that identify the result (numbers, strings, dates, enums, Guid, or a record or tuple of them); mark it [NotCacheKey] only if it never changes the result, since calls that differ only in it share one entry");

    public static readonly DiagnosticDescriptor InvalidationTargetNotFound = Error(
        "ASP0015",
        "InvalidatesCache names no single cached method",
        "[InvalidatesCache] names '{0}', {1}: name one [Cached] method of the same type with nameof(...)");

    public static readonly DiagnosticDescriptor InvalidationKeyMismatch = Error(
        "ASP0016",
        "InvalidatesCache cannot form the key to evict",
        "'{0}' cannot evict entries of '{1}': it needs a parameter '{2}' of type '{3}', as in the cache key of '{1}'");

    public static readonly DiagnosticDescriptor ConflictingAspects = Error(
        "ASP0017",
        "Conflicting aspects",
        "Method '{0}' combines [{1}] with [{2}], which makes no sense: {3}");

    public static readonly DiagnosticDescriptor ParameterCannotCrossAwait = Error(
        "ASP0018",
        "Asynchronous aspect method cannot take ref struct or pointer parameters",
        "Parameter '{0}' of '{1}' has type '{2}', which cannot be kept across an await: the asynchronous wrapper holds its arguments while it waits for a retry, a permit or a batch; pass an array, Memory<T> or a class instead, or make the method synchronous");

    public static readonly DiagnosticDescriptor UnsafeAsynchronousMethod = Error(
        "ASP0019",
        "Asynchronous aspect method cannot be unsafe",
        "Method '{0}' returns a task and is declared 'unsafe', but its wrapper awaits, which an unsafe context does not allow: remove 'unsafe' from the declaration and use an unsafe block inside '{1}'");

    public static readonly DiagnosticDescriptor BatchedStructInstanceMethod = Error(
        "ASP0020",
        "Batched method cannot be an instance method of a struct",
        "[Batched] method '{0}' is an instance method of struct '{1}', but its batcher is created on first use and kept in a field: a readonly struct cannot store it, and every copy of the struct would get its own batcher, so calls would not be batched together; make '{0}' static, or make '{1}' a class or record class");

    public static readonly DiagnosticDescriptor ReservedMemberName = Error(
        "ASP0021",
        "Member name is reserved for generated code",
        "'{0}' in '{1}' has the name of a member the generator adds for '{2}': rename it (names that start with '__aspects' are reserved for generated members)");

    public static readonly DiagnosticDescriptor GeneratedMemberClash = Error(
        "ASP0022",
        "Generated member clashes with an existing member",
        "[Cached] on '{0}' adds '{1}', which clashes with {2}: {3}");

    // ASP0030 onwards: warnings for legal but suspicious uses, reported by AspectUsageAnalyzer. Silence one
    // where it is intended with #pragma warning disable, or for a project in .editorconfig
    // (dotnet_diagnostic.ASP0030.severity = none).
    public static readonly DiagnosticDescriptor CachedWithoutKey = Warning(
        "ASP0030",
        "Cached instance method has no key parameters",
        "[Cached] method '{0}' has no key parameters, so every instance of '{1}' shares one cached result: add a parameter that identifies the result, or make the method static if the result is the same for every instance");

    public static readonly DiagnosticDescriptor RetryOfSideEffect = Warning(
        "ASP0031",
        "Retried method looks like it is not idempotent",
        "[Retry] on '{0}' may repeat its side effect: an attempt that failed with a timeout may still have succeeded; make the operation idempotent (e.g. send an idempotency key) and suppress ASP0031, or remove [Retry]");

    // ASP0050 onwards: rate-limit partitions ([RateLimitPartition]).
    public static readonly DiagnosticDescriptor SeveralRateLimitPartitions = Error(
        "ASP0050",
        "Rate-limited method has more than one partition parameter",
        "[RateLimited] method '{0}' marks both '{1}' and '{2}' with [RateLimitPartition], but a bucket is selected by one value; keep [RateLimitPartition] on one parameter, or pass one value that combines them (e.g. a string \"tenant/user\")");

    public static readonly DiagnosticDescriptor UnsupportedRateLimitPartition = Error(
        "ASP0051",
        "Rate-limit partition parameter has an unsupported type",
        "Parameter '{0}' of '{2}' cannot be a rate-limit partition: {1}; use a string, a number, a Guid, an enum, a date or time, or a type that implements ISpanFormattable and IEquatable<T> (nullable or not)");

    public static readonly DiagnosticDescriptor RateLimitPartitionWithoutRateLimited = Warning(
        "ASP0052",
        "[RateLimitPartition] on a method that is not rate limited",
        "Parameter '{0}' of '{1}' is marked [RateLimitPartition], but '{1}' has no [RateLimited], so nothing is partitioned; add [RateLimited] to '{1}', or remove [RateLimitPartition]");

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
