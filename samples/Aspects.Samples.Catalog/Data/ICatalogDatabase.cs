namespace Aspects.Samples.Catalog.Data;

/// <summary>Where the catalog's data lives: an embedded stand-in or a real PostgreSQL table.</summary>
public interface ICatalogDatabase : IAsyncDisposable
{
    /// <summary>How many products there are (ids 1 to this).</summary>
    const int ProductCount = 500;

    /// <summary>One line for the header: what this database is.</summary>
    string Description { get; }

    /// <summary>A product by id, <see langword="null"/> when there is none.</summary>
    Task<Product?> GetProductAsync(int id, CancellationToken cancellationToken);

    /// <summary>Changes a product's price.</summary>
    Task SetPriceAsync(int id, decimal price, CancellationToken cancellationToken);

    /// <summary>The stock of many products in one query; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<int, int>> GetStockAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken);
}
