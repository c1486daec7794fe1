using Aspects.Generators.Diagnostics;
using Aspects.Generators.Model;
using Aspects.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Aspects.Generators.Parsing;

/// <summary>Reads <c>[Cached]</c> and <c>[InvalidatesCache]</c>, and works out how cache keys are formed.</summary>
internal static class CacheParser
{
    public static CacheModel? ParseCached(
        AttributeReader reader, IMethodSymbol method, MethodDeclarationSyntax syntax, KnownTypes known, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var duration = reader.Get(CacheRules.DurationSeconds, CacheRules.DefaultDurationSeconds);
        var local = reader.Get(CacheRules.LocalDurationSeconds, CacheRules.DefaultLocalDurationSeconds);
        var policy = reader.GetPolicy();
        var tags = reader.GetArray(CacheRules.Tags).Select(t => t.Value as string).ToList();
        if (CacheRules.CheckDurationSeconds(duration) is { } durationWhy)
        {
            reader.Invalid(CacheRules.DurationSeconds, duration, durationWhy);
        }

        if ((CacheRules.CheckLocalDurationSeconds(local) ?? CacheRules.CheckLocalWithinDuration(local, duration)) is { } localWhy)
        {
            reader.Invalid(CacheRules.LocalDurationSeconds, local, localWhy);
        }

        if (tags.Select(CacheRules.CheckTag).FirstOrDefault(why => why is not null) is { } tagWhy)
        {
            reader.Invalid(CacheRules.Tags, "[" + string.Join(", ", tags.Select(t => t is null ? "null" : "\"" + t + "\"")) + "]", tagWhy);
        }

        var valueType = ResultType(method, known);
        var problem = valueType is null ? WhyNoResult(method, known) : method.IsGenericMethod ? "generic methods cannot be cached yet; make the types concrete" : null;
        if (valueType is null && problem is null)
        {
            // ASP0005 or ASP0006 already says why the method cannot be wrapped at all.
            return null;
        }

        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CachedMethodShape, syntax.Identifier.GetLocation(), method.Name, problem));
            return null;
        }

        var key = KeyOf(method, syntax, known, diagnostics);
        if (key is null || reader.HasErrors)
        {
            return null;
        }

        return new CacheModel(
            CacheNameOf(method, known),
            key,
            valueType!.Qualified(),
            duration,
            local,
            tags.Select(t => t!).ToEquatableArray(),
            policy,
            TypeParametersOf(method.ContainingType),
            ResultShape.Fingerprint(valueType!, cancellationToken));
    }

    /// <summary>The type parameters of <paramref name="type"/> and the types containing it, outermost first.</summary>
    private static EquatableArray<string> TypeParametersOf(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            names.InsertRange(0, current.TypeParameters.Select(p => MethodParser.Escape(p.Name)));
        }

        return names.ToEquatableArray();
    }

    public static InvalidationModel? ParseInvalidation(
        AttributeData attribute, IMethodSymbol method, MethodDeclarationSyntax syntax, KnownTypes known, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? syntax.Identifier.GetLocation();
        var name = attribute.ConstructorArguments.FirstOrDefault().Value as string ?? string.Empty;
        var targets = method.ContainingType.GetMembers(name).OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => AttributeNames.Of(a.AttributeClass) == AttributeNames.Cached))
            .ToList();
        if (targets.Count != 1)
        {
            var why = targets.Count == 0
                ? "which is not a [Cached] method of '" + method.ContainingType.Name + "'"
                : "which names " + targets.Count + " [Cached] overloads";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidationTargetNotFound, location, name, why));
            return null;
        }

        var target = targets[0];
        if (SyntaxOf(target, cancellationToken) is not { } targetSyntax
            || CachedKeyOf(target, known, cancellationToken) is not var (key, valueType)
            || !MethodParser.IsEmitted(target, targetSyntax, known, cancellationToken))
        {
            // The cached method reports its own error; nothing can be evicted until it is fixed.
            return null;
        }

        foreach (var part in key.Parts)
        {
            var parameter = method.Parameters.FirstOrDefault(p => MethodParser.Escape(p.Name) == part.Parameter);
            if (parameter is null || parameter.Type.Qualified() != part.Shape.Type)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidationKeyMismatch, location, method.Name, target.Name, part.Parameter.TrimStart('@'), ShortTypeOf(target, part.Parameter)));
                return null;
            }
        }

        return new InvalidationModel(MethodParser.MemberSuffixOf(target), key, valueType.Qualified());
    }

    /// <summary>
    /// The key and the stored value type of cached <paramref name="method"/> as its wrapper forms them, without reading
    /// the attribute's values or reporting anything; <see langword="null"/> when it cannot be cached (it reports why
    /// itself). <c>[InvalidatesCache]</c> and the <c>Invalidate{Name}</c> clash check (<see cref="GeneratedMemberCheck"/>) use it.
    /// </summary>
    internal static (CacheKeyModel Key, ITypeSymbol ValueType)? CachedKeyOf(IMethodSymbol method, KnownTypes known, CancellationToken cancellationToken) =>
        !method.IsGenericMethod
        && ResultType(method, known) is { } valueType
        && SyntaxOf(method, cancellationToken) is { } syntax
        && KeyOf(method, syntax, known, diagnostics: null) is { } key
            ? (key, valueType)
            : null;

    private static MethodDeclarationSyntax? SyntaxOf(IMethodSymbol method, CancellationToken cancellationToken) =>
        method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();

    /// <summary>
    /// <c>Shop.Catalog.GetAsync</c>, or <c>Shop.Catalog.GetAsync(int, string)</c> for an overload, so two
    /// overloads never share entries in the distributed tier.
    /// </summary>
    private static string CacheNameOf(IMethodSymbol method, KnownTypes known)
    {
        var name = DeclarationFacts.For(known).Type(method.ContainingType).ErrorMessageName + "." + method.Name;
        return method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Skip(1).Any()
            ? name + "(" + string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat))) + ")"
            : name;
    }

    /// <summary>
    /// What a call stores: <c>T</c> of <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>, or the value a synchronous method
    /// returns; <see langword="null"/> when there is nothing storable (see <see cref="WhyNoResult"/>).
    /// </summary>
    private static ITypeSymbol? ResultType(IMethodSymbol method, KnownTypes known)
    {
        if (method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            return null;
        }

        var type = method.ReturnType;
        return MethodParser.ClassifyReturn(method, known).Kind switch
        {
            ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT => ((INamedTypeSymbol)type).TypeArguments[0],
            ReturnKind.Value when type is not (IPointerTypeSymbol or IFunctionPointerTypeSymbol or ITypeParameterSymbol { AllowsRefLikeType: true }) => type,
            _ => null,
        };
    }

    /// <summary>
    /// Why a method has no storable result, for ASP0013; <see langword="null"/> when ASP0005 (a by-ref parameter) or
    /// ASP0006 (a ref return, a ref struct, another awaitable) already reports the method, since no aspect can wrap it.
    /// </summary>
    private static string? WhyNoResult(IMethodSymbol method, KnownTypes known)
    {
        var type = method.ReturnType;
        if (method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            return null;
        }

        return MethodParser.ClassifyReturn(method, known).Kind switch
        {
            // A ref return, a ref struct or another awaitable.
            null => null,
            ReturnKind.Void => "it returns void, so there is no result to cache; return the result itself (T), Task<T> or ValueTask<T>",
            ReturnKind.Task or ReturnKind.ValueTask =>
                "it returns '" + type.Short() + "', which completes without a result, so there is nothing to cache; return Task<T> or ValueTask<T>",
            _ when type is IPointerTypeSymbol or IFunctionPointerTypeSymbol =>
                "it returns the pointer '" + type.Short() + "', which would outlive what it points to in the cache; return the value itself",
            _ => "its result type '" + type.Short() + "' allows ref structs, which cannot be stored; remove 'allows ref struct'",
        };
    }

    private static string ShortTypeOf(IMethodSymbol method, string parameter) =>
        method.Parameters.First(p => MethodParser.Escape(p.Name) == parameter).Type.Short();

    /// <summary>
    /// The key parameters: every parameter but <c>CancellationToken</c>s and <c>[NotCacheKey]</c> ones.
    /// Reports unsupported key types when <paramref name="diagnostics"/> is given.
    /// </summary>
    private static CacheKeyModel? KeyOf(IMethodSymbol method, MethodDeclarationSyntax syntax, KnownTypes known, List<DiagnosticInfo>? diagnostics)
    {
        var parts = new List<CacheKeyPart>();
        var ok = true;
        foreach (var parameter in method.Parameters)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, known.CancellationToken)
                || parameter.GetAttributes().Any(a => AttributeNames.Of(a.AttributeClass) == AttributeNames.NotCacheKey))
            {
                continue;
            }

            var part = PartOf(parameter, known);
            if (part is null)
            {
                ok = false;
                diagnostics?.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedCacheKey,
                    parameter.Ordinal < syntax.ParameterList.Parameters.Count ? syntax.ParameterList.Parameters[parameter.Ordinal].GetLocation() : syntax.Identifier.GetLocation(),
                    parameter.Name,
                    parameter.Type.Short(),
                    method.Name));
                continue;
            }

            parts.Add(part);
        }

        if (!ok)
        {
            return null;
        }

        // A lone key that may be null (a nullable reference or Nullable<T>) is wrapped in a one-element
        // tuple, because dictionary keys must not be null.
        var wrap = parts.Count == 1
            && (parts[0].Shape.IsNullableValueType || parts[0].Shape is { IsComposite: true, IsReference: true } || method.Parameters.First(p => MethodParser.Escape(p.Name) == parts[0].Parameter) is { Type.IsReferenceType: true, NullableAnnotation: not NullableAnnotation.NotAnnotated });
        return new CacheKeyModel(parts.ToEquatableArray(), wrap);
    }

    private static CacheKeyPart? PartOf(IParameterSymbol parameter, KnownTypes known)
    {
        var type = parameter.Type;
        var shape = ShapeOf(type, known, parameter.ContainingAssembly, depth: 0);
        if (shape is null)
        {
            return null;
        }

        var exactRuntimeType = IsUnsealedRecord(type) ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).Qualified() : null;
        return new CacheKeyPart(MethodParser.Escape(parameter.Name), shape, exactRuntimeType);
    }

    /// <summary>The key shape of a parameter's type (see the overload below); <c>[Batched]</c> keys use it too.</summary>
    /// <summary>
    /// A record class others may derive from: a derived instance can hold members its key components do not cover, so
    /// the cache skips it and the batcher compares it by reference (one rule for both).
    /// </summary>
    internal static bool IsUnsealedRecord(ITypeSymbol type) => type is { IsRecord: true, IsReferenceType: true, IsSealed: false };

    internal static KeyShape? ShapeOf(ITypeSymbol type, KnownTypes known, IAssemblySymbol assembly) => ShapeOf(type, known, assembly, depth: 0);

    /// <summary>
    /// The key shape of <paramref name="type"/>: a supported leaf type, or a record, record struct or value tuple
    /// whose members are keys themselves; <see langword="null"/> when it cannot be a key.
    /// </summary>
    private static KeyShape? ShapeOf(ITypeSymbol type, KnownTypes known, IAssemblySymbol assembly, int depth)
    {
        var isNullable = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        var inner = isNullable ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        var qualified = type.Qualified();
        switch (KeyKindOf(inner, known))
        {
            case KeyKind.Exact:
                return new KeyShape(qualified, null, isNullable, false, EquatableArray<KeyMember>.Empty, false);
            case KeyKind.Wrapped:
                return new KeyShape(qualified, "global::Aspects.Caching.Exact" + inner.MetadataName, isNullable, false, EquatableArray<KeyMember>.Empty, false);
        }

        // Below the parameter itself, a record class must be sealed: nothing could check an argument's exact type there.
        if (depth >= MaxKeyDepth || (depth > 0 && IsUnsealedRecord(inner)))
        {
            return null;
        }

        var members = MembersOf(inner, assembly);
        if (members is null)
        {
            return null;
        }

        var shapes = new List<KeyMember>(members.Count);
        foreach (var (name, memberType) in members)
        {
            if (ShapeOf(memberType, known, assembly, depth + 1) is not { } shape)
            {
                return null;
            }

            shapes.Add(new KeyMember(name, shape));
        }

        return new KeyShape(qualified, null, isNullable, inner.IsReferenceType, shapes.ToEquatableArray(), true);
    }

    /// <summary>
    /// What a record's or a tuple's equality compares: a tuple's elements; a record's instance fields (its own and
    /// its base records'), each read through its property when it backs one. <see langword="null"/> when a member
    /// cannot be read from generated code or the type is neither.
    /// </summary>
    private static List<(string Name, ITypeSymbol Type)>? MembersOf(ITypeSymbol type, IAssemblySymbol assembly)
    {
        if (type is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            return tuple.TupleElements.Select((e, i) => ("Item" + (i + 1), e.Type)).ToList();
        }

        if (!type.IsRecord)
        {
            return null;
        }

        var members = new List<(string, ITypeSymbol)>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var field in current.GetMembers().OfType<IFieldSymbol>())
            {
                if (field.IsStatic || field.IsConst)
                {
                    continue;
                }

                ISymbol readable = field.AssociatedSymbol is IPropertySymbol property ? property : field;
                var getter = readable is IPropertySymbol p ? p.GetMethod : readable;
                if (getter is null || !Readable(readable, assembly) || !Readable(getter, assembly))
                {
                    return null;
                }

                members.Add((MethodParser.Escape(readable.Name), field.Type));
            }
        }

        return members;
    }

    private static bool Readable(ISymbol symbol, IAssemblySymbol assembly) =>
        symbol.DeclaredAccessibility == Accessibility.Public
        || (symbol.DeclaredAccessibility is Accessibility.Internal or Accessibility.ProtectedOrInternal
            && SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, assembly));

    /// <summary>
    /// Whether a type can be a key, and how the in-process tier compares it so that two arguments are equal
    /// exactly when their L2 key texts (<c>CacheKeyBuilder</c>) are: only when the body cannot tell them apart.
    /// </summary>
    private static KeyKind KeyKindOf(ITypeSymbol type, KnownTypes known)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Char
                or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return KeyKind.Exact;
            case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal or SpecialType.System_DateTime:
                return KeyKind.Wrapped;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return KeyKind.Exact;
        }

        switch (type.ToDisplayString())
        {
            case "System.Guid" or "System.TimeSpan" or "System.DateOnly" or "System.TimeOnly" or "System.Int128" or "System.UInt128"
                or "System.Numerics.BigInteger" or "System.Text.Rune":
                return KeyKind.Exact;
            case "System.Half" or "System.DateTimeOffset":
                return KeyKind.Wrapped;
        }

        // Other framework types are not vetted (Complex and NFloat compare like double; Uri.Equals ignores the
        // fragment): their equality and their text may disagree. User types promise they agree.
        return !IsFrameworkType(type) && Implements(type, known.SpanFormattable) && ImplementsEquatable(type, known)
            ? KeyKind.Exact
            : KeyKind.Unsupported;
    }

    private static bool IsFrameworkType(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        while (ns is { ContainingNamespace.IsGlobalNamespace: false })
        {
            ns = ns.ContainingNamespace;
        }

        return ns?.Name is "System" or "Microsoft";
    }

    private static bool Implements(ITypeSymbol type, INamedTypeSymbol? @interface) =>
        @interface is not null && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, @interface));

    private static bool ImplementsEquatable(ITypeSymbol type, KnownTypes known) =>
        type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, known.Equatable)
            && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], type));

    // Records nested deeper than this are not keys (it also ends recursive record types).
    private const int MaxKeyDepth = 8;

    private enum KeyKind
    {
        Unsupported,

        // Equals already distinguishes everything the body can see.
        Exact,

        // Keyed in process on the Aspects.Caching.Exact{MetadataName} component.
        Wrapped,
    }
}
