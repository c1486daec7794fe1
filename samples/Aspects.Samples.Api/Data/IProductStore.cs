namespace Aspects.Samples.Api.Data;

/// <summary>Where the products live: in memory (the default) or in PostgreSQL (<c>ConnectionStrings:Postgres</c>).</summary>
public interface IProductStore
{
    /// <summary>How many products there are (ids 1 to this).</summary>
    const int ProductCount = 500;

    /// <summary>A product by id, <see langword="null"/> when there is none.</summary>
    Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken);

    /// <summary>Changes a product's price.</summary>
    Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken);

    /// <summary>The stock of many products in one query; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<int, int>> GetStockAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken);
}
