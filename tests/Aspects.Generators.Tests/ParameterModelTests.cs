using Aspects.Generators.Model;
using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>
/// The parser marks a parameter as the caller's token exactly when its type is <c>System.Threading.CancellationToken</c>,
/// whatever its position, spelling or name; look-alikes (<c>CancellationToken?</c>, arrays, a user type with the same
/// name, the token source) are ordinary parameters. The model's <c>CancellationToken</c> is the first marked one.
/// </summary>
public class ParameterModelTests
{
    /// <summary>Parameter types that are the token, each spelled another way.</summary>
    private static readonly string[] Tokens =
    [
        "CancellationToken",
        "System.Threading.CancellationToken",
        "global::System.Threading.CancellationToken",
        "Token",
    ];

    /// <summary>Parameter types that are not the token, several of them close to it.</summary>
    private static readonly string[] Decoys =
    [
        "int",
        "string?",
        "CancellationToken?",
        "CancellationToken[]",
        "System.Nullable<CancellationToken>",
        "CancellationTokenSource",
        "Fakes.CancellationToken",
        "object",
    ];

    [Fact]
    public void Only_a_CancellationToken_parameter_is_marked_in_every_position_and_the_first_is_the_methods_token()
    {
        // Every list of up to four parameters that puts a token (each spelling) in each position, or no token, with the
        // other positions filled from the decoys in turn; plus lists with two tokens. Expected: the model.
        var cases = new List<(string Name, string[] Types)>();
        for (var count = 1; count <= 4; count++)
        {
            for (var position = -1; position < count; position++)
            {
                foreach (var token in Tokens)
                {
                    var types = new string[count];
                    for (var i = 0; i < count; i++)
                    {
                        types[i] = i == position ? token : Decoys[(cases.Count + i) % Decoys.Length];
                    }

                    cases.Add(("Run" + cases.Count, types));
                }
            }
        }

        cases.Add(("Run" + cases.Count, ["CancellationToken", "int", "CancellationToken"]));
        cases.Add(("Run" + cases.Count, ["CancellationToken?", "CancellationToken", "Token"]));

        var models = ModelsOf(cases.Select(c => Method(c.Name, c.Types)));
        Assert.Equal(cases.Count, models.Count);
        foreach (var (name, types) in cases)
        {
            var model = models[name];
            var signature = name + "(" + string.Join(", ", types) + ")";
            Assert.Equal(types.Length, model.Parameters.Count);
            for (var i = 0; i < types.Length; i++)
            {
                Assert.True(
                    Tokens.Contains(types[i]) == model.Parameters[i].IsCancellationToken,
                    $"{signature}: parameter {i} ({types[i]}) IsCancellationToken = {model.Parameters[i].IsCancellationToken}");
            }

            var first = Array.FindIndex(types, t => Tokens.Contains(t));
            Assert.True(
                (first < 0 ? null : "p" + first) == model.CancellationToken,
                $"{signature}: CancellationToken = {model.CancellationToken ?? "null"}");
        }
    }

    [Fact]
    public void A_token_is_named_as_written_and_escaped_when_its_name_is_a_keyword()
    {
        var models = ModelsOf([
            """
                [Retry] public partial void Escaped(int id, CancellationToken @event);
                private void EscapedCore(int id, CancellationToken @event) { }
            """,
        ]);

        Assert.Equal(new[] { false, true }, models["Escaped"].Parameters.Select(p => p.IsCancellationToken));
        Assert.Equal("@event", models["Escaped"].CancellationToken);
    }

    [Fact]
    public void A_nullable_token_is_not_the_callers_token()
    {
        var models = ModelsOf([Method("Nullable", ["int", "CancellationToken?"])]);

        Assert.All(models["Nullable"].Parameters, p => Assert.False(p.IsCancellationToken));
        Assert.Null(models["Nullable"].CancellationToken);
    }

    [Fact]
    public void Models_that_differ_only_in_which_parameter_is_the_token_are_not_equal()
    {
        // The method's token is derived from the parameters, so record equality (the pipeline's cache) sees it through them.
        var models = ModelsOf([Method("Same", ["CancellationToken"])]);
        var model = models["Same"];
        var parameter = model.Parameters[0];
        var unmarked = model with { Parameters = new EquatableArray<ParameterModel>([parameter with { IsCancellationToken = false }]) };

        Assert.NotEqual(model, unmarked);
        Assert.Null(unmarked.CancellationToken);
        Assert.Equal(model, model with { Parameters = new EquatableArray<ParameterModel>([parameter]) });
    }

    private static string Method(string name, string[] types)
    {
        var parameters = string.Join(", ", types.Select((type, i) => type + " p" + i));
        return "    [Retry] public partial void " + name + "(" + parameters + ");\n"
            + "    private void " + name + "Core(" + parameters + ") { }\n";
    }

    private static Dictionary<string, MethodModel> ModelsOf(IEnumerable<string> methods)
    {
        var source = """
            using System.Threading;
            using Aspects;
            using Token = System.Threading.CancellationToken;

            namespace Fakes
            {
                public struct CancellationToken;
            }

            namespace Shop
            {
                public partial class Jobs
                {
            """ + string.Concat(methods) + """
                }
            }
            """;
        var run = GeneratorHarness.Run(source).ShouldCompileCleanly();
        return run.Result.Results.Single().TrackedSteps[TrackingNames.Models]
            .SelectMany(step => step.Outputs)
            .Select(output => (MethodModel)output.Value)
            .ToDictionary(model => model.Name);
    }
}
