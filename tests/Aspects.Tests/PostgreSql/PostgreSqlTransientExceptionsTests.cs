using Aspects.PostgreSql;
using Npgsql;

namespace Aspects.Tests.PostgreSql;

public sealed class PostgreSqlTransientExceptionsTests
{
    private static PostgresException ServerError(string sqlState) => new("server said no", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("40001")] // serialization_failure
    [InlineData("40P01")] // deadlock_detected
    [InlineData("53300")] // too_many_connections
    [InlineData("57P01")] // admin_shutdown
    public void Server_errors_Npgsql_calls_transient_are_transient(string sqlState) =>
        Assert.True(PostgreSqlTransientExceptions.IsTransient(ServerError(sqlState)));

    [Theory]
    [InlineData("42601")] // syntax_error
    [InlineData("23505")] // unique_violation
    public void Server_errors_that_would_fail_again_are_not_transient(string sqlState) =>
        Assert.False(PostgreSqlTransientExceptions.IsTransient(ServerError(sqlState)));

    [Fact]
    public void Connection_failure_wrapped_by_Npgsql_is_transient() =>
        Assert.True(PostgreSqlTransientExceptions.IsTransient(new NpgsqlException("Failed to connect", new IOException("refused"))));

    [Fact]
    public void Npgsql_error_inside_another_exception_is_classified_by_the_Npgsql_error()
    {
        Assert.True(PostgreSqlTransientExceptions.IsTransient(new InvalidOperationException("save failed", ServerError("40001"))));
        Assert.False(PostgreSqlTransientExceptions.IsTransient(new InvalidOperationException("save failed", ServerError("23505"))));
    }

    [Fact]
    public void Cancellations_and_unrelated_exceptions_are_not_transient()
    {
        Assert.False(PostgreSqlTransientExceptions.IsTransient(new OperationCanceledException("caller gave up", ServerError("57P01"))));
        Assert.False(PostgreSqlTransientExceptions.IsTransient(new ArgumentException("bad id")));
    }

    [Fact]
    public void Runtime_options_extended_with_PostgreSQL_errors_treat_them_as_transient_once()
    {
        var options = new AspectRuntimeOptions().AddPostgreSqlTransientErrors().AddPostgreSqlTransientErrors();
        var runtime = new AspectRuntime(options);

        Assert.Single(options.TransientExceptionClassifiers);
        Assert.True(runtime.IsTransient(ServerError("40001")));
        Assert.False(runtime.IsTransient(ServerError("42601")));
        Assert.False(new AspectRuntime().IsTransient(ServerError("40001")));
    }
}
