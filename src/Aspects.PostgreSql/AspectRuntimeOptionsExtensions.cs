using Aspects.PostgreSql;

namespace Aspects;

/// <summary>PostgreSQL additions to <see cref="AspectRuntimeOptions"/>.</summary>
public static class AspectRuntimeOptionsExtensions
{
    // One cached delegate, so adding twice can be detected and does not classify twice.
    private static readonly Func<Exception, bool> Classifier = PostgreSqlTransientExceptions.IsTransient;

    /// <summary>
    /// Makes <c>[Retry]</c> without <c>Handle</c> types also retry Npgsql's transient errors
    /// (<see cref="PostgreSqlTransientExceptions.IsTransient"/>). Calling it more than once has no further effect.
    /// </summary>
    /// <param name="options">The runtime settings to extend.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static AspectRuntimeOptions AddPostgreSqlTransientErrors(this AspectRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.TransientExceptionClassifiers.Contains(Classifier))
        {
            options.TransientExceptionClassifiers.Add(Classifier);
        }

        return options;
    }
}
