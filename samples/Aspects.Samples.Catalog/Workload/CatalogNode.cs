namespace Aspects.Samples.Catalog.Workload;

/// <summary>One instance of the catalog service, as one process of a scaled-out deployment would hold it.</summary>
/// <param name="Runtime">The node's runtime: its own memory cache and buckets, Redis shared with the other nodes.</param>
/// <param name="Catalog">The node's catalog service.</param>
public sealed record CatalogNode(AspectRuntime Runtime, CatalogService Catalog);
