using Aspects.Caching;

namespace Aspects.Tests.Caching.Keys;

public sealed class CacheDefinitionKeyNameTests
{
    [Fact]
    public void A_method_of_a_non_generic_type_is_keyed_by_its_name()
    {
        Assert.Equal("Shop.Catalog.GetAsync", Definition("Shop.Catalog.GetAsync").KeyName);
    }

    [Fact]
    public void Closed_type_arguments_follow_the_method_name_as_a_tree_that_parses_one_way()
    {
        Assert.Equal("Shop.Repo<T>.GetAsync[System.Int32]", Definition("Shop.Repo<T>.GetAsync", typeof(int)).KeyName);
        Assert.Equal(
            "M[System.Collections.Generic.Dictionary`2[System.String,System.Collections.Generic.List`1[System.Int32[]]],System.Byte[,]]",
            Definition("M", typeof(Dictionary<string, List<int[]>>), typeof(byte[,])).KeyName);

        // Same text for one type, different text for types that differ only in nesting.
        Assert.NotEqual(
            Definition("M", typeof(Dictionary<List<int>, string>)).KeyName,
            Definition("M", typeof(Dictionary<List<int>, string>).GetGenericTypeDefinition().MakeGenericType(typeof(List<int>[]), typeof(string))).KeyName);
        Assert.NotEqual(Definition("M", typeof(int), typeof(string)).KeyName, Definition("M", typeof(int)).KeyName);
    }

    [Fact]
    public void Metrics_keep_the_open_name()
    {
        Assert.Equal("Shop.Repo<T>.GetAsync", Definition("Shop.Repo<T>.GetAsync", typeof(int)).MethodName);
    }

    private static CacheDefinition Definition(string name, params Type[] typeArguments) =>
        new(name, string.Empty, typeArguments, new Aspects.Policies.CacheSettings(durationSeconds: 60), []);

    [Fact]
    public void The_result_shape_follows_the_method_name_before_the_type_arguments()
    {
        Assert.Equal(
            "Shop.Repo<T>.GetAsync@0123456789abcdef[System.Int32]",
            new CacheDefinition("Shop.Repo<T>.GetAsync", "0123456789abcdef", [typeof(int)], new Aspects.Policies.CacheSettings(durationSeconds: 60), []).KeyName);
    }
}
