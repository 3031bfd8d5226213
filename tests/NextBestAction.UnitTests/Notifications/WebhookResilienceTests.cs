using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NextBestAction.Notifications;
using NextBestAction.ServiceDefaults;
using NextBestAction.Telemetry;
using Polly;
using Polly.Telemetry;
using Polly.Timeout;

namespace NextBestAction.UnitTests.Notifications;

public sealed class WebhookResilienceTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => services.Dispose();

    private ResiliencePipeline<HttpResponseMessage> Pipeline(int maxAttempts = 4, int timeoutMs = 5000)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        WebhookResilience.Configure(builder,
            new WebhookOptions { MaxAttempts = maxAttempts, InitialBackoffMs = 1, MaxBackoffMs = 5, TimeoutMs = timeoutMs },
            TimeProvider.System, new NbaTelemetry(services.GetRequiredService<IMeterFactory>()), NullLogger.Instance);
        return builder.Build();
    }

    /// <summary>The statuses the endpoint answers attempt after attempt (the last one repeats); returns the attempts made and the final outcome.</summary>
    private static async Task<(int Attempts, Outcome<HttpResponseMessage> Outcome)> SendAsync(ResiliencePipeline<HttpResponseMessage> pipeline, params HttpStatusCode[] answers)
    {
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        var outcome = await pipeline.ExecuteOutcomeAsync((_, _) =>
        {
            var status = answers[Math.Min(attempts++, answers.Length - 1)];
            return ValueTask.FromResult(Outcome.FromResult(new HttpResponseMessage(status)));
        }, context, 0);
        ResilienceContextPool.Shared.Return(context);
        return (attempts, outcome);
    }

    [Fact]
    public async Task ServerErrors_RetriedUntilSuccess()
    {
        var (attempts, outcome) = await SendAsync(Pipeline(), HttpStatusCode.ServiceUnavailable, HttpStatusCode.InternalServerError, HttpStatusCode.OK);

        Assert.Equal(3, attempts);
        Assert.Null(WebhookResilience.FailureReason(outcome, 5000));
    }

    [Fact]
    public async Task EndpointKeepsFailing_StopsAfterMaxAttempts_WithTheLastStatus()
    {
        var (attempts, outcome) = await SendAsync(Pipeline(maxAttempts: 4), HttpStatusCode.InternalServerError);

        Assert.Equal(4, attempts);
        Assert.Equal("HTTP 500", WebhookResilience.FailureReason(outcome, 5000));
    }

    [Fact]
    public async Task OneAttempt_IsNotRetried()
    {
        var (attempts, _) = await SendAsync(Pipeline(maxAttempts: 1), HttpStatusCode.InternalServerError);

        Assert.Equal(1, attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.Gone, "HTTP 410")]
    [InlineData(HttpStatusCode.BadRequest, "HTTP 400")]
    [InlineData(HttpStatusCode.TemporaryRedirect, "HTTP 307, redirects are not followed")]
    [InlineData(HttpStatusCode.MovedPermanently, "HTTP 301, redirects are not followed")]
    public async Task RedirectsAndOther4xx_NotRetried(HttpStatusCode status, string reason)
    {
        var (attempts, outcome) = await SendAsync(Pipeline(), status);

        Assert.Equal(1, attempts);
        Assert.Equal(reason, WebhookResilience.FailureReason(outcome, 5000));
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task TimeoutAndThrottlingStatuses_Retried(HttpStatusCode status)
    {
        var (attempts, _) = await SendAsync(Pipeline(), status, HttpStatusCode.OK);

        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task SlowAttempt_TimesOut_AndIsRetried()
    {
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        var outcome = await Pipeline(maxAttempts: 2, timeoutMs: 100).ExecuteOutcomeAsync(async (attempt, _) =>
        {
            attempts++;
            await Task.Delay(Timeout.InfiniteTimeSpan, attempt.CancellationToken);
            return Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }, context, 0);
        ResilienceContextPool.Shared.Return(context);

        Assert.Equal(2, attempts);
        Assert.IsType<TimeoutRejectedException>(outcome.Exception);
        Assert.Equal("timed out after 100 ms", WebhookResilience.FailureReason(outcome, 100));
    }

    [Theory]
    [InlineData("webhook-nba-webhook-delivery", "OnRetry", ResilienceEventSeverity.Debug)]
    [InlineData("webhook-nba-webhook-delivery", "ExecutionAttempt", ResilienceEventSeverity.Debug)]
    [InlineData("webhook-nba-webhook-delivery", "OnTimeout", ResilienceEventSeverity.Warning)]
    [InlineData("other-pipeline", "OnRetry", ResilienceEventSeverity.Warning)]
    public void LibraryLog_QuietOnlyForWhatTheWebhookLogsItself(string pipeline, string eventName, ResilienceEventSeverity expected)
    {
        var options = new Polly.Telemetry.TelemetryOptions();
        WebhookResilience.QuietenLibraryLog(options);
        var context = ResilienceContextPool.Shared.Get();

        var severity = options.SeverityProvider?.Invoke(new SeverityProviderArguments(
            new ResilienceTelemetrySource(pipeline, null, "Retry"), new ResilienceEvent(ResilienceEventSeverity.Warning, eventName), context));

        Assert.Equal(expected, severity);
    }

    [Fact]
    public void NetworkErrors_RetriedAndNamed()
    {
        var outcome = Outcome.FromException<HttpResponseMessage>(
            new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.True(WebhookResilience.IsRetried(outcome));
        Assert.Equal("network error ConnectionError", WebhookResilience.FailureReason(outcome, 5000));
    }
}
