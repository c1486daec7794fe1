using Aspects.Batching;

namespace Aspects.Tests.Batching;

public sealed class BatchResultsTests
{
    [Fact]
    public void Values_aligned_with_the_keys_become_a_dictionary_by_position()
    {
        var results = BatchResults.Align<int, string>("Shop.Catalog.GetName", [3, 1, 2], ["three", "one", "two"]);

        Assert.Equal("one", results[1]);
        Assert.Equal("two", results[2]);
        Assert.Equal("three", results[3]);
        Assert.Equal(3, results.Count);
    }

    [Fact]
    public void Values_aligned_with_keys_equal_only_by_their_types_Equals_stay_apart_under_the_batchers_comparer()
    {
        var exact = new ExactKeyComparer<decimal, Aspects.Caching.ExactDecimal>(static key => key, derivedByReference: false);

        var results = BatchResults.Align<decimal, string>("Shop.Catalog.GetPrice", [1.5m, 1.50m], ["1.5", "1.50"], exact);

        Assert.Equal(2, results.Count);
        Assert.Equal("1.5", results[1.5m]);
        Assert.Equal("1.50", results[1.50m]);
    }

    [Fact]
    public void Different_counts_throw_an_error_naming_the_method_and_both_counts()
    {
        var exception = Assert.Throws<InvalidOperationException>(
            () => BatchResults.Align<int, string>("Shop.Catalog.GetName", [1, 2, 3], ["one", "two"]));

        Assert.Contains("Shop.Catalog.GetName", exception.Message);
        Assert.Contains("2 values for 3 keys", exception.Message);
    }

    [Fact]
    public void Null_values_throw_an_error_naming_the_method()
    {
        var exception = Assert.Throws<InvalidOperationException>(
            () => BatchResults.Align<int, string>("Shop.Catalog.GetName", [1], null!));

        Assert.Contains("Shop.Catalog.GetName", exception.Message);
    }
}
