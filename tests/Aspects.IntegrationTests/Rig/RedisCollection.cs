using Xunit;

namespace Aspects.IntegrationTests.Rig;

/// <summary>Tests in this collection share one <see cref="RedisFixture"/> and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    /// <summary>The collection name for <see cref="CollectionAttribute"/>.</summary>
    public const string Name = "redis";
}
