using System.Text;
using Aspects.Generators.Tests.Infrastructure;

namespace Aspects.Generators.Tests;

/// <summary>
/// Every distinct method gets a distinct generated file name (the compiler compares them ignoring case and
/// fails the whole run on a clash, CS8785), whatever the method, its types and its namespaces are called.
/// </summary>
public class HintNameTests
{
    private const string Usings = """
        using System.Threading.Tasks;
        using Aspects;

        """;

    private static string Retried(string name, string parameters = "") => $$"""
            [Retry] public static partial Task {{name}}({{parameters}});
            private static Task {{(name.EndsWith("Async", StringComparison.Ordinal) ? name[..^5] + "CoreAsync" : name + "Core")}}({{parameters}}) => Task.CompletedTask;
        """;

    private static string[] HintNames(string source)
    {
        var run = GeneratorHarness.Run(Usings + source).ShouldCompileCleanly();
        return [.. run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void A_generic_type_and_a_type_named_like_its_arity_get_their_own_files()
    {
        var names = HintNames($$"""
            namespace Billing;
            public static partial class Result<T> { {{Retried("DescribeAsync")}} }
            public static partial class ResultT1 { {{Retried("DescribeAsync")}} }
            """);

        Assert.Equal(["Billing.ResultT1.DescribeAsync.g.cs", "Billing.Result`1.DescribeAsync.g.cs"], names);
    }

    [Fact]
    public void Types_whose_names_differ_only_in_case_are_ranked()
    {
        var names = HintNames($$"""
            namespace Messaging;
            public static partial class SmsApi { {{Retried("SendAsync")}} }
            public static partial class SmsAPI { {{Retried("SendAsync")}} }
            """);

        Assert.Equal(["Messaging.SmsAPI[1].SendAsync.g.cs", "Messaging.SmsApi[2].SendAsync.g.cs"], names);
    }

    [Fact]
    public void Methods_whose_names_differ_only_in_case_are_ranked()
    {
        var names = HintNames($$"""
            namespace Messaging;
            public static partial class Sms { {{Retried("Send")}} {{Retried("SEND")}} }
            """);

        Assert.Equal(["Messaging.Sms.SEND[1].g.cs", "Messaging.Sms.Send[2].g.cs"], names);
    }

    [Fact]
    public void A_namespace_and_a_type_whose_names_differ_only_in_case_are_ranked()
    {
        var names = HintNames($$"""
            namespace Messaging.Api { public static partial class Client { {{Retried("SendAsync")}} } }
            namespace Messaging { public static partial class API { public static partial class Client { {{Retried("SendAsync")}} } } }
            """);

        Assert.Equal(["Messaging.API[1].Client.SendAsync.g.cs", "Messaging.Api[2].Client.SendAsync.g.cs"], names);
    }

    [Fact]
    public void Overloads_are_numbered_and_a_method_named_like_a_number_keeps_its_own_file()
    {
        var names = HintNames($$"""
            namespace Shop;
            public static partial class Catalog
            {
                {{Retried("Get", "int id")}}
                {{Retried("Get", "string name")}}
                {{Retried("Get_1")}}
                {{Retried("Get_")}}
            }
            """);

        Assert.Equal(["Shop.Catalog.Get_1.g.cs", "Shop.Catalog.Get_1_.g.cs", "Shop.Catalog.Get_2.g.cs", "Shop.Catalog.Get__.g.cs"], names);
        Assert.Equal(4, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Characters_an_identifier_may_hold_but_a_file_name_may_not_are_escaped()
    {
        // 'e' + U+0301 (combining acute accent) and U+203F (undertie, a connector) are identifier characters.
        var names = HintNames($$"""
            namespace Cafe\u0301;
            public static partial class Menu\u203FItem { {{Retried("Get\u0301")}} }
            """);

        Assert.Equal(["Cafe(u0301).Menu(u203F)Item.Get(u0301).g.cs"], names);
    }

    [Fact]
    public void Nested_generic_types_keep_every_arity()
    {
        var names = HintNames($$"""
            namespace Shop;
            public partial class Outer<T> { public static partial class Inner<TKey, TValue> { {{Retried("LoadAsync")}} } }
            public partial class Outer { public static partial class Inner<TKey, TValue> { {{Retried("LoadAsync")}} } }
            """);

        Assert.Equal(["Shop.Outer.Inner`2.LoadAsync.g.cs", "Shop.Outer`1.Inner`2.LoadAsync.g.cs"], names);
    }

    /// <summary>
    /// Random programs whose names are drawn to collide: case variants, arities next to names that spell
    /// them, overloads next to names that look numbered, namespaces next to types. Every program compiles,
    /// so every generated file must exist under its own name.
    /// </summary>
    [Fact]
    public void Random_programs_with_look_alike_names_get_one_file_per_method()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ASPECTS_FUZZ_SEED"), out var configured) ? configured : 20_261_130;
        var random = new Random(seed);
        string[] typeNames = ["Api", "API", "aPI", "ApiT1", "Apit1", "Api_1", "INNER", "X", "X_"];
        string[] methodNames = ["Send", "SEND", "send", "Send_1", "Send_", "Send_2", "SendT1"];
        for (var iteration = 0; iteration < 40; iteration++)
        {
            var source = new StringBuilder(Usings);
            var methods = 0;
            foreach (var @namespace in new[] { "Ns", "ns", "Ns.Inner" }.Where(_ => random.Next(2) == 0))
            {
                source.Append("namespace ").Append(@namespace).AppendLine(" {");

                // A namespace member cannot share its name and arity with another one (CS0101).
                var declared = new HashSet<string>(StringComparer.Ordinal);
                foreach (var name in typeNames.Where(_ => random.Next(3) == 0))
                {
                    var arity = random.Next(3);
                    if (declared.Add(name + "`" + arity))
                    {
                        methods += AppendType(source, random, name, arity, methodNames, nest: random.Next(3) == 0);
                    }
                }

                source.AppendLine("}");
            }

            var text = source.ToString();
            var run = GeneratorHarness.Run(text);
            try
            {
                run.ShouldCompileCleanly();
                Assert.Equal(methods, run.Sources.Count);
                Assert.Equal(methods, run.Sources.Select(s => s.HintName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
            }
            catch (Exception exception) when (exception is Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"Seed {seed} (ASPECTS_FUZZ_SEED), iteration {iteration}:\n{text}\n{exception.Message}");
            }
        }
    }

    private static int AppendType(StringBuilder source, Random random, string name, int arity, string[] methodNames, bool nest)
    {
        var typeParameters = arity == 0 ? string.Empty : "<" + string.Join(", ", Enumerable.Range(1, arity).Select(i => "T" + i)) + ">";
        source.Append("public static partial class ").Append(name).Append(typeParameters).AppendLine(" {");
        var methods = 0;
        foreach (var method in methodNames.Where(_ => random.Next(3) == 0))
        {
            source.AppendLine(Retried(method));
            methods++;
            if (random.Next(3) == 0)
            {
                source.AppendLine(Retried(method, "int id"));
                methods++;
            }
        }

        // A nested type may not be named like its container (CS0542); it takes the container's other names.
        if (nest)
        {
            source.AppendLine("public static partial class Nested {");
            source.AppendLine(Retried("Send"));
            source.AppendLine("}");
            source.AppendLine("public static partial class NESTED {");
            source.AppendLine(Retried("Send"));
            source.AppendLine("}");
            methods += 2;
        }

        source.AppendLine("}");
        return methods;
    }
}
