using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace Segment.Functions.Tests.Errors;

public sealed class RetryErrorHttpTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static HttpResponseMessage Response(int status) => new((HttpStatusCode)status) { Content = new StringContent("body") };

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(599)]
    [TestCase(408)]
    [TestCase(429)]
    public void ThrowIfRetryable_RetryableStatus_ThrowsRetryErrorNamingTheStatus(int status)
    {
        using var response = Response(status);

        var error = Assert.Throws<RetryError>(() => RetryError.ThrowIfRetryable(response));

        Assert.That(error!.Message, Is.EqualTo($"HTTP Status {status}"));
        Assert.That(error.RetryAfter, Is.Null, "no Retry-After header: the host's backoff decides");
        Assert.That(error.IsRetryable, Is.True);
    }

    [TestCase(200)]
    [TestCase(201)]
    [TestCase(204)]
    [TestCase(302)]
    [TestCase(400)]
    [TestCase(401)]
    [TestCase(404)]
    [TestCase(422)]
    public async Task ThrowIfRetryable_SuccessOrOtherClientError_Returns(int status)
    {
        using var response = Response(status);

        Assert.DoesNotThrow(() => RetryError.ThrowIfRetryable(response));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("body"), "the response is left to the caller, undisposed");
    }

    [Test]
    public void ThrowIfRetryable_429WithRetryAfterSeconds_CarriesTheDelay()
    {
        using var response = Response(429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));

        var error = Assert.Throws<RetryError>(() => RetryError.ThrowIfRetryable(response));

        Assert.That(error!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(error.Message, Is.EqualTo("HTTP Status 429"));
    }

    [Test]
    public void ThrowIfRetryable_RetryAfterDate_IsMeasuredFromTheResponsesDateHeader()
    {
        using var response = Response(503);
        response.Headers.Date = Now;
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(90));
        var clock = new FakeTimeProvider(Now.AddHours(1)); // our clock is off: the server's Date wins

        var error = Assert.Throws<RetryError>(() => RetryError.ThrowIfRetryable(response, clock));

        Assert.That(error!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void ThrowIfRetryable_429WithRetryAfterDateAndNoDateHeader_IsMeasuredFromTheTimeProvider()
    {
        using var response = Response(429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddMinutes(5));

        var error = Assert.Throws<RetryError>(() => RetryError.ThrowIfRetryable(response, new FakeTimeProvider(Now)));

        Assert.That(error!.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public void ThrowIfRetryable_RetryAfterDateAlreadyPast_AsksForNoWait()
    {
        using var response = Response(429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddMinutes(-1));

        var error = Assert.Throws<RetryError>(() => RetryError.ThrowIfRetryable(response, new FakeTimeProvider(Now)));

        Assert.That(error!.RetryAfter, Is.Null);
    }

    [Test]
    public void ThrowIfRetryable_Throwing_DisposesTheResponse()
    {
        var response = Response(500);

        Assert.Throws<RetryError>(() => RetryError.ThrowIfRetryable(response));

        Assert.That(() => response.Content.ReadAsStringAsync(), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void ThrowIfRetryable_NullArguments_Throw()
    {
        using var response = Response(200);

        Assert.That(() => RetryError.ThrowIfRetryable(null!), Throws.ArgumentNullException);
        Assert.That(() => RetryError.ThrowIfRetryable(response, null!), Throws.ArgumentNullException);
    }

    [Test]
    public void ThrowIfRetryableAsync_ConnectionError_BecomesRetryErrorWithTheCause()
    {
        var cause = new HttpRequestException("Connection refused (acme.test:443)");

        var error = Assert.ThrowsAsync<RetryError>(() => RetryError.ThrowIfRetryableAsync(Task.FromException<HttpResponseMessage>(cause)));

        Assert.That(error!.Message, Is.EqualTo("Connection refused (acme.test:443)"));
        Assert.That(error.InnerException, Is.SameAs(cause));
    }

    [Test]
    public async Task ThrowIfRetryableAsync_Success_ReturnsTheResponse()
    {
        using var response = Response(202);

        var returned = await RetryError.ThrowIfRetryableAsync(Task.FromResult(response));

        Assert.That(returned, Is.SameAs(response));
    }

    [Test]
    public void ThrowIfRetryableAsync_ServerError_ThrowsWithRetryAfter()
    {
        var response = Response(503);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        var error = Assert.ThrowsAsync<RetryError>(() => RetryError.ThrowIfRetryableAsync(Task.FromResult(response), new FakeTimeProvider(Now)));

        Assert.That((error!.Message, error.RetryAfter), Is.EqualTo(("HTTP Status 503", (TimeSpan?)TimeSpan.FromSeconds(7))));
    }

    [Test]
    public void ThrowIfRetryableAsync_OtherException_IsNotTurnedIntoARetry()
    {
        var failure = new InvalidOperationException("a bug in the function");

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => RetryError.ThrowIfRetryableAsync(Task.FromException<HttpResponseMessage>(failure)));

        Assert.That(error, Is.SameAs(failure));
    }
}
