using Npgsql;

namespace Aspects.PostgreSql;

/// <summary>
/// Npgsql's own judgement of which failures may succeed when tried again (<see cref="NpgsqlException.IsTransient"/>:
/// connection failures, timeouts, server shutdowns, serialization failures, deadlocks, too many connections).
/// </summary>
public static class PostgreSqlTransientExceptions
{
    // Wrappers nest a handful deep at most (e.g. an ORM exception around an NpgsqlException); the cap only guards
    // against pathological chains.
    private const int MaxDepth = 8;

    /// <summary>
    /// Whether <paramref name="exception"/>, or the first <see cref="NpgsqlException"/> among its inner exceptions,
    /// is transient according to Npgsql. Cancellations are never transient.
    /// </summary>
    /// <param name="exception">The exception an attempt failed with.</param>
    /// <returns><see langword="true"/> when another attempt may succeed.</returns>
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var current = exception;
        for (var depth = 0; current is not null && depth < MaxDepth; depth++)
        {
            switch (current)
            {
                case OperationCanceledException:
                    return false;
                case NpgsqlException npgsql:
                    // The outermost Npgsql exception decides: Npgsql already looked at what it wraps.
                    return npgsql.IsTransient;
            }

            current = current.InnerException;
        }

        return false;
    }
}
