namespace Aspects.Samples.Catalog;

/// <summary>
/// A stand-in for a remote inventory service that times out on the first calls of each product,
/// the way a real dependency does under load.
/// </summary>
public sealed class FlakyInventoryApi(int failuresPerProduct)
{
    private readonly Dictionary<int, int> _calls = [];

    public event Action<int, int, bool>? Called;

    public Task<int> GetStockAsync(int productId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var call = _calls[productId] = _calls.GetValueOrDefault(productId) + 1;
        var fails = call <= failuresPerProduct;
        Called?.Invoke(productId, call, fails);
        return fails
            ? Task.FromException<int>(new TimeoutException($"inventory service timed out for product {productId}"))
            : Task.FromResult(productId * 7 % 50);
    }
}
