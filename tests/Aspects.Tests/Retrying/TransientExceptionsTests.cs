using System.Net;
using Aspects.Retrying;

namespace Aspects.Tests.Retrying;

public class TransientExceptionsTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { new TimeoutException(), true },
        { new IOException("connection reset"), true },
        { new HttpRequestException("no route"), true },
        { new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout), true },
        { new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests), true },
        { new HttpRequestException("oops", null, HttpStatusCode.InternalServerError), true },
        { new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable), true },
        { new HttpRequestException("missing", null, HttpStatusCode.NotFound), false },
        { new HttpRequestException("bad", null, HttpStatusCode.BadRequest), false },
        { new InvalidOperationException(), false },
        { new ArgumentException(), false },
        { new OperationCanceledException(), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Built_in_rules_classify_common_failures(Exception exception, bool transient) =>
        Assert.Equal(transient, TransientExceptions.IsTransient(exception));

    [Fact]
    public void Runtime_adds_configured_classifiers_to_the_built_in_rules()
    {
        var options = new AspectRuntimeOptions();
        options.TransientExceptionClassifiers.Add(e => e is InvalidOperationException { Message: "retry me" });
        var runtime = new AspectRuntime(options);

        Assert.True(runtime.IsTransient(new InvalidOperationException("retry me")));
        Assert.False(runtime.IsTransient(new InvalidOperationException("fatal")));
        Assert.True(runtime.IsTransient(new TimeoutException()));
    }

    [Fact]
    public void Runtime_rejects_a_null_time_provider_naming_the_setting()
    {
        var exception = Assert.Throws<ArgumentException>(() => new AspectRuntime(new AspectRuntimeOptions { TimeProvider = null! }));
        Assert.Contains("AspectRuntimeOptions.TimeProvider", exception.Message);
    }
}
