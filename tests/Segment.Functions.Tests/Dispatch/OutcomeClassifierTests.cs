using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Tests.Dispatch;

public sealed class OutcomeClassifierTests
{
    private static readonly SecretRedactor Redactor = new(["hunter2-secret"]);

    [TestCase(200, OutcomeKind.Delivered, OutcomeReason.None)]
    [TestCase(204, OutcomeKind.Delivered, OutcomeReason.None)]
    [TestCase(299, OutcomeKind.Delivered, OutcomeReason.None)]
    [TestCase(408, OutcomeKind.Retry, OutcomeReason.Retry)]
    [TestCase(429, OutcomeKind.Retry, OutcomeReason.Retry)]
    [TestCase(500, OutcomeKind.Retry, OutcomeReason.Retry)]
    [TestCase(599, OutcomeKind.Retry, OutcomeReason.Retry)]
    [TestCase(300, OutcomeKind.Discarded, OutcomeReason.MessageRejected)]
    [TestCase(400, OutcomeKind.Discarded, OutcomeReason.MessageRejected)]
    [TestCase(404, OutcomeKind.Discarded, OutcomeReason.MessageRejected)]
    [TestCase(600, OutcomeKind.Discarded, OutcomeReason.MessageRejected)]
    [TestCase(0, OutcomeKind.Discarded, OutcomeReason.MessageRejected)]
    public void FromStatus_HttpLikeCode_MapsAsSegmentDoes(int status, OutcomeKind outcome, OutcomeReason reason)
    {
        var result = OutcomeClassifier.FromStatus(new EventStatus(status), Redactor);

        Assert.That(result.Kind, Is.EqualTo(outcome));
        Assert.That(result.Reason, Is.EqualTo(reason));
        Assert.That(result.Status, Is.EqualTo(status));
    }

    [Test]
    public void FromStatus_ErrorMessageWithSecret_IsRedacted()
    {
        var result = OutcomeClassifier.FromStatus(new EventStatus(500, "token hunter2-secret refused"), Redactor);

        Assert.That(result.Error!.Message, Is.EqualTo("token *** refused"));
    }

    // What the HttpClient and its resilience pipeline throw when they give up on a request: each is worth another attempt.
    public static IEnumerable<TestCaseData> HttpClientGivingUp()
    {
        yield return new TestCaseData(new TaskCanceledException("timed out", new TimeoutException()), OutcomeReason.Timeout).SetArgDisplayNames("HttpClient timeout");
        yield return new TestCaseData(new Polly.Timeout.TimeoutRejectedException(), OutcomeReason.Timeout).SetArgDisplayNames("resilience pipeline timeout");
        yield return new TestCaseData(new Polly.CircuitBreaker.BrokenCircuitException("The circuit is now open"), OutcomeReason.Retry).SetArgDisplayNames("open circuit");
    }

    [TestCaseSource(nameof(HttpClientGivingUp))]
    public void FromException_HttpClientGivingUp_IsRetried(Exception exception, OutcomeReason reason)
    {
        var result = OutcomeClassifier.FromException(exception, Redactor);

        Assert.That((result.Kind, result.Reason), Is.EqualTo((OutcomeKind.Retry, reason)));
    }

    [Test]
    public void FromException_RateLimiterOfTheHttpClient_IsRetriedAfterItsWait()
    {
        var result = OutcomeClassifier.FromException(new Polly.RateLimiting.RateLimiterRejectedException(TimeSpan.FromSeconds(2)), Redactor);

        Assert.That((result.Kind, result.RetryAfter), Is.EqualTo((OutcomeKind.Retry, (TimeSpan?)TimeSpan.FromSeconds(2))));
    }

    [Test]
    public void FromException_RetryErrorWithRetryAfter_KeepsTheWait()
    {
        var result = OutcomeClassifier.FromException(new RetryError("slow down") { RetryAfter = TimeSpan.FromSeconds(30) }, Redactor);

        Assert.That(result.Kind, Is.EqualTo(OutcomeKind.Retry));
        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(result.Error!.Type, Is.EqualTo("RetryError"));
    }

    [Test]
    public void FromException_PlainHttpRequestException_IsUnknownErrorDiscard()
    {
        var result = OutcomeClassifier.FromException(new HttpRequestException("Connection refused"), Redactor);

        Assert.That(result.Kind, Is.EqualTo(OutcomeKind.Discarded));
        Assert.That(result.Reason, Is.EqualTo(OutcomeReason.UnknownError));
        Assert.That(result.Error!.Type, Is.EqualTo("System.Net.Http.HttpRequestException"));
    }

    [Test]
    public void FunctionError_OnlyRetryErrorIsRetryable()
    {
        Assert.That(new RetryError("x").IsRetryable, Is.True);
        Assert.That(new ValidationError("x").IsRetryable, Is.False);
        Assert.That(new InvalidSettings("x").IsRetryable, Is.False);
        Assert.That(new InvalidEventPayload("x").IsRetryable, Is.False);
        Assert.That(new EventNotSupported("x").IsRetryable, Is.False);
    }
}
