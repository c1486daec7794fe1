using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>
/// Turns one annotated method into a <see cref="MethodModel"/> plus diagnostics. It reads every aspect
/// attribute of the method, so the model describes all of the method's aspects together.
/// </summary>
internal static class MethodParser
{
    /// <summary>
    /// Parses the method that carries <paramref name="attributeName"/>, or returns <see langword="null"/>
    /// when an outer aspect of the same method owns it (every method is parsed and emitted once).
    /// </summary>
    public static ParseResult? Parse(GeneratorAttributeSyntaxContext context, string attributeName, CancellationToken cancellationToken)
    {
        // The attributes allow methods only: on a property, constructor, type or any other declaration
        // the compiler already reports CS0592, and a second error from us would only add noise.
        // A method outside any type (CS0116) belongs to the compiler's invalid global type, whose name is no identifier.
        if (context.TargetNode is not (MethodDeclarationSyntax { Parent: TypeDeclarationSyntax } or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)
            || context.TargetSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor or MethodKind.Destructor })
        {
            return null;
        }

        if (context.TargetSymbol is IMethodSymbol candidate && OwnerOf(candidate) != attributeName)
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var model = TryParse(context, attributeName, diagnostics, cancellationToken);
        return new ParseResult(diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error) ? null : model, diagnostics.ToEquatableArray());
    }

    /// <summary>The outermost aspect attribute on <paramref name="method"/>.</summary>
    private static string? OwnerOf(IMethodSymbol method)
    {
        string? owner = null;
        var rank = int.MaxValue;
        foreach (var attribute in method.GetAttributes())
        {
            if (AttributeNames.Of(attribute.AttributeClass) is { } name && Array.IndexOf(AttributeNames.Composition, name) is var index and >= 0 && index < rank)
            {
                (owner, rank) = (name, index);
            }
        }

        return owner;
    }

    private static MethodModel? TryParse(
        GeneratorAttributeSyntaxContext context, string attributeName, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var shortName = AttributeNames.ShortName(attributeName);
        if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
        {
            var target = context.TargetNode is LocalFunctionStatementSyntax local ? local.Identifier.GetLocation() : context.TargetNode.GetLocation();
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedTarget, target, shortName, DescribeTarget(context.TargetNode)));
            return null;
        }

        return ParseMethod(method, syntax, shortName, KnownTypes.For(context.SemanticModel.Compilation), resolveInvalidations: true, diagnostics, cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="method"/> parses without error, so its generated members exist: an
    /// <c>[InvalidatesCache]</c> wrapper may only refer to the cache of a cached method that is emitted.
    /// </summary>
    public static bool IsEmitted(IMethodSymbol method, MethodDeclarationSyntax syntax, KnownTypes known, CancellationToken cancellationToken) =>
        ParseMethod(method, syntax, shortName: "Cached", known, resolveInvalidations: false, [], cancellationToken) is not null;

    private static MethodModel? ParseMethod(
        IMethodSymbol method,
        MethodDeclarationSyntax syntax,
        string shortName,
        KnownTypes known,
        bool resolveInvalidations,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var type = method.ContainingType;
        var location = syntax.Identifier.GetLocation();
        var coreName = CoreMethodName.Of(method.Name);
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedTarget, location, shortName, "a method of " + type.TypeKind.ToString().ToLowerInvariant() + " '" + type.Name + "'"));
            return null;
        }

        // There is no body to wrap: an abstract method's overrides or an extern method's native code run instead.
        if (method.IsAbstract || method.IsExtern)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedTarget, location, shortName, (method.IsAbstract ? "abstract" : "extern") + " method '" + method.Name + "'"));
            return null;
        }

        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MethodMustBePartial, location, method.Name, shortName, coreName));
        }
        else if (syntax.Body is not null || syntax.ExpressionBody is not null || method.PartialImplementationPart is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MethodAlreadyImplemented, location, method.Name, shortName, coreName));
        }

        foreach (var declaration in syntax.Ancestors().OfType<TypeDeclarationSyntax>())
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TypeMustBePartial, declaration.Identifier.GetLocation(), declaration.Identifier.Text, method.Name));
            }
        }

        var parameters = ParseParameters(method, syntax, known, diagnostics);

        // ASP0005 already says what to change; shape checks that count or compare those parameters would only repeat it.
        var hasByRefParameter = method.Parameters.Any(p => p.RefKind != RefKind.None);
        var (returns, resultType) = ClassifyReturn(method, known);
        if (returns is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedReturnType,
                syntax.ReturnType.GetLocation(),
                method.Name,
                (method.ReturnsByRef || method.ReturnsByRefReadonly ? "ref " : string.Empty) + method.ReturnType.Short(),
                shortName,
                ", void or a plain value"));
        }

        if (returns is { } returned && returned.IsAsync())
        {
            ReportParametersThatCannotCrossAwait(method, syntax, diagnostics);

            // Both parts of a partial method must agree on 'unsafe', and the asynchronous wrapper awaits,
            // which an unsafe context forbids (CS4004).
            var unsafeModifier = syntax.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.UnsafeKeyword));
            if (unsafeModifier.IsKind(SyntaxKind.UnsafeKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsafeAsynchronousMethod, unsafeModifier.GetLocation(), method.Name, coreName));
            }
        }

        var declarations = DeclarationFacts.For(known);
        var facts = declarations.Type(type);
        var fullName = facts.ErrorMessageName + "." + method.Name;
        var memberSuffix = MemberSuffixOf(method);
        CacheModel? cache = null;
        var invalidations = new List<InvalidationModel>();
        BatchModel? batch = null;
        RetryModel? retry = null;
        RateLimitModel? rateLimit = null;
        var batched = false;
        var hasCached = false;
        var hasInvalidation = false;
        foreach (var attribute in method.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = AttributeNames.Of(attribute.AttributeClass);
            if (name is null)
            {
                continue;
            }

            hasCached |= name == AttributeNames.Cached;
            hasInvalidation |= name == AttributeNames.InvalidatesCache;
            var reader = new AttributeReader(attribute, diagnostics, cancellationToken);
            switch (name)
            {
                case AttributeNames.Cached:
                    cache = CacheParser.ParseCached(reader, method, syntax, known, diagnostics, cancellationToken);
                    break;
                case AttributeNames.InvalidatesCache when resolveInvalidations:
                    if (CacheParser.ParseInvalidation(attribute, method, syntax, known, diagnostics, cancellationToken) is { } invalidation)
                    {
                        invalidations.Add(invalidation);
                    }

                    break;
                case AttributeNames.Batched:
                    batched = true;
                    if (!method.IsStatic && type.TypeKind == TypeKind.Struct)
                    {
                        // The batcher lives in a field created on first use: a readonly struct cannot assign it,
                        // and each copy of a mutable struct would create its own, so nothing would be batched.
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BatchedStructInstanceMethod, location, method.Name, type.Name));
                        break;
                    }

                    batch = hasByRefParameter ? null : BatchParser.Parse(reader, method, syntax, known, coreName, diagnostics);
                    break;
                case AttributeNames.Retry:
                    retry = RetryParser.Parse(reader, known);
                    break;
                case AttributeNames.RateLimited:
                    rateLimit = RateLimitParser.Parse(reader, fullName, method, known, diagnostics);
                    if (rateLimit is not null && Aspects.Rules.RateLimitRules.Waits(rateLimit.Mode) && returns is { } kind && !kind.IsAsync())
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SynchronousRateLimitWait, location, method.Name));
                    }

                    break;
            }
        }

        if (hasCached && hasInvalidation)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ConflictingAspects, location, method.Name, "Cached", "InvalidatesCache",
                "a cached call may not run at all, so it cannot be relied on to evict anything; put [InvalidatesCache] on the method that changes the data"));
        }

        GeneratedMemberCheck.CheckReservedNames(method, memberSuffix, facts, diagnostics);
        if (cache is not null)
        {
            GeneratedMemberCheck.CheckInvalidateMethod(method, cache, known, location, diagnostics, cancellationToken);
        }

        // A batched method's body takes the whole batch; BatchParser checks that shape instead.
        var coreIsAsync = returns is { } returnKind && !batched && !hasByRefParameter
            && CoreMethodMatcher.Check(method, syntax, coreName, returnKind, diagnostics);

        if (returns is null || diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            return null;
        }

        return new MethodModel(
            HintName: HintNames.Of(facts, method, memberSuffix),
            Namespace: facts.Namespace,
            ContainingTypes: declarations.ContainingTypeDeclarations(syntax, keepUnsafe: !returns.Value.IsAsync()),
            SelfType: facts.Qualified,
            Modifiers: DeclarationText.Modifiers(syntax),
            Name: syntax.Identifier.Text,
            TypeParameters: DeclarationText.TypeParameters(method),
            Constraints: DeclarationText.Constraints(method),
            ReturnType: DeclarationText.ReturnType(method),
            Returns: returns.Value,
            ResultType: resultType,
            Parameters: parameters,
            CoreName: Escape(coreName),
            CoreIsAsync: coreIsAsync,
            IsStatic: method.IsStatic,
            RuntimeExpression: facts.Runtime(method.IsStatic, known),
            FullName: fullName,
            MemberSuffix: memberSuffix,
            Accessibility: DeclarationText.Accessibility(syntax),
            Cache: cache,
            Invalidations: invalidations.ToEquatableArray(),
            Batch: batch,
            Retry: retry,
            RateLimit: rateLimit);
    }

    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) == SyntaxKind.AwaitKeyword
            ? "@" + identifier
            : identifier;

    private static string DescribeTarget(SyntaxNode node) => node switch
    {
        LocalFunctionStatementSyntax local => "local function '" + local.Identifier.Text + "'",
        AnonymousFunctionExpressionSyntax => "a lambda",
        _ => "this declaration",
    };

    private static EquatableArray<ParameterModel> ParseParameters(IMethodSymbol method, MethodDeclarationSyntax syntax, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var result = new List<ParameterModel>(method.Parameters.Length);
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                var parameterSyntax = parameter.Ordinal < syntax.ParameterList.Parameters.Count ? syntax.ParameterList.Parameters[parameter.Ordinal] : null;
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ByRefParameter,
                    parameterSyntax?.GetLocation() ?? syntax.Identifier.GetLocation(),
                    parameter.Name,
                    method.Name,
                    DeclarationText.RefKindText(parameter.RefKind)));
                continue;
            }

            result.Add(new ParameterModel(
                Escape(parameter.Name),
                parameter.Type.Qualified(),
                DeclarationText.ParameterPrefix(parameter, method),
                IsCancellationToken: SymbolEqualityComparer.Default.Equals(parameter.Type, known.CancellationToken)));
        }

        return result.ToEquatableArray();
    }

    /// <summary>
    /// An asynchronous wrapper passes its arguments to an async helper, and async methods cannot hold
    /// ref structs (or type parameters that allow them) or pointers.
    /// </summary>
    private static void ReportParametersThatCannotCrossAwait(IMethodSymbol method, MethodDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics)
    {
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind == RefKind.None
                && (parameter.Type.IsRefLikeType
                    || parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol
                    || parameter.Type is ITypeParameterSymbol { AllowsRefLikeType: true }))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ParameterCannotCrossAwait,
                    parameter.Ordinal < syntax.ParameterList.Parameters.Count ? syntax.ParameterList.Parameters[parameter.Ordinal].GetLocation() : syntax.Identifier.GetLocation(),
                    parameter.Name,
                    method.Name,
                    parameter.Type.Short()));
            }
        }
    }

    /// <summary>
    /// What kind of value <paramref name="method"/> returns, and for <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> the qualified
    /// <c>T</c>; a <see langword="null"/> kind when no wrapper supports the return type (ASP0006).
    /// </summary>
    internal static (ReturnKind? Kind, string? ResultType) ClassifyReturn(IMethodSymbol method, KnownTypes known)
    {
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return (null, null);
        }

        if (method.ReturnsVoid)
        {
            return (ReturnKind.Void, null);
        }

        var type = method.ReturnType;
        var definition = type.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(definition, known.Task))
        {
            return (ReturnKind.Task, null);
        }

        if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTask))
        {
            return (ReturnKind.ValueTask, null);
        }

        if (type is INamedTypeSymbol { TypeArguments.Length: 1 } named)
        {
            if (SymbolEqualityComparer.Default.Equals(definition, known.TaskOfT))
            {
                return (ReturnKind.TaskOfT, named.TypeArguments[0].Qualified());
            }

            if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTaskOfT))
            {
                return (ReturnKind.ValueTaskOfT, named.TypeArguments[0].Qualified());
            }
        }

        // Any other awaitable would be wrapped only while it is created, not while it runs: refuse it.
        // Ref structs cannot cross the try/catch of a retry loop safely either.
        // An async stream runs after it is returned, outside any retry, so refuse it too.
        if (IsAwaitableOrAsyncStream(type) || type.IsRefLikeType)
        {
            return (null, null);
        }

        return (ReturnKind.Value, null);
    }

    /// <summary>Whether <paramref name="type"/> is awaitable or an async stream (asked once Task and ValueTask are ruled out).</summary>
    internal static bool IsAwaitableOrAsyncStream(ITypeSymbol type) => HasInstanceMethod(type, "GetAwaiter") || HasInstanceMethod(type, "GetAsyncEnumerator");

    private static bool HasInstanceMethod(ITypeSymbol type, string name) =>
        type.GetMembers(name).Any(m => m is IMethodSymbol { IsStatic: false })
        || type.AllInterfaces.Any(i => i.GetMembers(name).Any(m => m is IMethodSymbol { IsStatic: false }));

    /// <summary>
    /// Names the members generated next to the method: the method name, numbered in declaration order
    /// (<c>Get_1</c>, <c>Get_2</c>) when it is overloaded, so generated members stay unique and stable.
    /// The rule is injective, so no two methods of a type share a suffix whatever they are called: a
    /// numbered suffix always ends in <c>_</c> and digits, and a name that ends so itself (<c>Get_1</c>,
    /// <c>Get_</c>) gets one more <c>_</c> (<c>Get_1_</c>), which a numbered suffix never ends with.
    /// </summary>
    public static string MemberSuffixOf(IMethodSymbol method)
    {
        if (method.ContainingType.GetMembers(method.Name).Length > 1 && OverloadsInOrder(method) is { Count: > 1 } overloads)
        {
            return method.Name + "_" + (overloads.FindIndex(m => SymbolEqualityComparer.Default.Equals(m, method)) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return EndsLikeANumberedSuffix(method.Name) ? method.Name + "_" : method.Name;
    }

    /// <summary>The methods named like <paramref name="method"/> in its type, in declaration order (file path, then position).</summary>
    public static List<IMethodSymbol> OverloadsInOrder(IMethodSymbol method) =>
        method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()
            .OrderBy(m => m.Locations.FirstOrDefault()?.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(m => m.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0)
            .ToList();

    /// <summary>Whether <paramref name="name"/> ends with <c>_</c> and zero or more digits.</summary>
    private static bool EndsLikeANumberedSuffix(string name)
    {
        var end = name.Length;
        while (end > 0 && name[end - 1] is >= '0' and <= '9')
        {
            end--;
        }

        return end > 0 && name[end - 1] == '_';
    }
}
