namespace Aspects.Samples.Catalog.Data;

/// <summary>A product of the catalog.</summary>
/// <param name="Id">The product's id, 1 to <see cref="ICatalogDatabase.ProductCount"/>.</param>
/// <param name="Sku">The stock-keeping unit, e.g. <c>SKU-0042</c>.</param>
/// <param name="Name">The display name.</param>
/// <param name="Price">The current price.</param>
public sealed record Product(int Id, string Sku, string Name, decimal Price)
{
    /// <summary>The SKU of product <paramref name="id"/>.</summary>
    public static string SkuOf(int id) => $"SKU-{id:D4}";
}
