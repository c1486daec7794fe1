using System.Globalization;

namespace Aspects.Generators.Emitting;

/// <summary>C# literals for the values the model holds: every emitter writes numbers, text and flags through these.</summary>
internal static class Literals
{
    /// <summary>An <see langword="int"/> literal, culture-invariant.</summary>
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <see langword="double"/> literal that reads back as the same value (<c>2.5d</c>, <c>1E+20d</c>).</summary>
    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A quoted, escaped string literal, or <c>null</c>.</summary>
    public static string String(string? value) => value is null ? "null" : Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>The caller's token parameter, or <c>CancellationToken.None</c> when the method has none.</summary>
    public static string Token(string? token) => token ?? "global::System.Threading.CancellationToken.None";

    /// <summary>An object creation with named arguments, so the generated settings read well in the debugger: <c>new T(maxAttempts: 3, jitter: true)</c>.</summary>
    public static string New(string type, params (string Name, string Value)[] arguments) =>
        "new " + type + "(" + string.Join(", ", arguments.Select(a => a.Name + ": " + a.Value)) + ")";

    /// <summary>A member of one of the runtime's enums, e.g. <c>global::Aspects.RetryBackoff.Exponential</c>.</summary>
    public static string Enum(string enumType, string member) => "global::Aspects." + enumType + "." + member;
}
