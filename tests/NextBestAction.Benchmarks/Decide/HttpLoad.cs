using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using NextBestAction.Benchmarks.Infrastructure;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.Benchmarks.Decide;

/// <summary>
/// The load generator: POSTs request bodies to one route of the API over a pooled HTTP/1.1 client with enough
/// connections that requests never wait for one while the server keeps up. Open loop sends on a schedule fixed in
/// advance and measures each latency from the request's scheduled send time, so a slow response delays no later
/// request and a stall (of the server, this generator or the process) counts against latency instead of lowering the
/// load (no coordinated omission). Closed loop runs a number of workers back to back to find the highest rate.
/// A request counts as an error when the answer is not 200, it fails, or it takes longer than <see cref="RequestTimeout"/>.
/// </summary>
internal sealed class HttpLoad : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private static readonly byte[] DegradedMarker = "\"degraded\":true"u8.ToArray();

    private readonly HttpClient client;

    public HttpLoad(Uri address, string apiKey, int connections)
    {
        client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = address,
            Timeout = RequestTimeout,
        };
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, apiKey);
    }

    public void Dispose() => client.Dispose();

    /// <summary>One request; the response body is returned for inspection.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> SendOnceAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        using var request = Request(path, body);
        using var response = await client.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>
    /// Sends at <paramref name="ratePerSecond"/> for <paramref name="warmup"/> plus <paramref name="measured"/>: request n
    /// is due at start + n / rate; only requests due in the measured window are in the figures. Waits for every
    /// request to finish before it returns.
    /// </summary>
    public Task<OpenLoopResult> RunOpenLoopAsync(
        string path, DecisionRequests requests, double ratePerSecond, TimeSpan warmup, TimeSpan measured, CancellationToken cancellationToken) =>
        // The schedule runs on a thread of its own: the thread pool of a 2-core machine is busy with the server under test.
        Task.Factory.StartNew(
            () => RunOpenLoop(path, requests, ratePerSecond, warmup, measured, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    /// <summary>
    /// <paramref name="workers"/> loops that each send the next request as soon as the previous one answered; counts
    /// the successful answers received in the <paramref name="measured"/> window after an uncounted <paramref name="rampUp"/>.
    /// </summary>
    public async Task<ClosedLoopResult> RunClosedLoopAsync(
        string path, DecisionRequests requests, int workers, TimeSpan rampUp, TimeSpan measured, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        var latency = new LatencyRecorder();
        var startUtc = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + Ticks(rampUp);
        var windowEnd = windowStart + Ticks(measured);
        latency.MeasureBetween(startUtc + rampUp, startUtc + rampUp + measured);
        long succeededInWindow = 0;

        async Task WorkAsync()
        {
            while (Stopwatch.GetTimestamp() < windowEnd)
            {
                var sentAt = Stopwatch.GetTimestamp();
                var outcome = await SendAsync(path, requests.Next(), cancellationToken);
                var doneAt = Stopwatch.GetTimestamp();
                tally.Add(outcome, measured: doneAt >= windowStart && doneAt < windowEnd);
                if (outcome.Status == RequestStatus.Ok && doneAt >= windowStart && doneAt < windowEnd)
                {
                    Interlocked.Increment(ref succeededInWindow);
                    latency.Record(startUtc.Ticks + Stopwatch.GetElapsedTime(start, sentAt).Ticks, Stopwatch.GetElapsedTime(sentAt, doneAt).Ticks);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, cancellationToken)));
        return new ClosedLoopResult(
            workers, succeededInWindow / measured.TotalSeconds, succeededInWindow > 0 ? latency.Summary() : null, tally.Snapshot());
    }

    private async Task<OpenLoopResult> RunOpenLoop(
        string path, DecisionRequests requests, double ratePerSecond, TimeSpan warmup, TimeSpan measured, CancellationToken cancellationToken)
    {
        var warmupRequests = (long)(ratePerSecond * warmup.TotalSeconds);
        var total = warmupRequests + (long)(ratePerSecond * measured.TotalSeconds);
        var tally = new Tally();
        var latency = new LatencyRecorder();
        var inFlight = new List<Task>((int)total);

        var startUtc = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        latency.MeasureBetween(startUtc + warmup, startUtc + warmup + measured);
        var windowStart = start + Ticks(warmup);
        long lastMeasuredDoneAt = 0;
        long sent = 0;
        var maxLag = TimeSpan.Zero;
        var totalLagTicks = 0L;

        async Task SendScheduledAsync(long scheduledAt, long scheduledUtcTicks, bool isMeasured)
        {
            var outcome = await SendAsync(path, requests.Next(), cancellationToken);
            var doneAt = Stopwatch.GetTimestamp();
            tally.Add(outcome, isMeasured);
            if (outcome.Status == RequestStatus.Ok)
            {
                latency.Record(scheduledUtcTicks, Stopwatch.GetElapsedTime(scheduledAt, doneAt).Ticks);
            }

            if (isMeasured)
            {
                InterlockedMax(ref lastMeasuredDoneAt, doneAt);
            }
        }

        while (sent < total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * ratePerSecond));
            for (; sent < due; sent++)
            {
                var offset = TimeSpan.FromSeconds(sent / ratePerSecond);
                var isMeasured = sent >= warmupRequests;
                if (isMeasured)
                {
                    var lag = Stopwatch.GetElapsedTime(start) - offset;
                    maxLag = lag > maxLag ? lag : maxLag;
                    totalLagTicks += lag.Ticks;
                }

                inFlight.Add(SendScheduledAsync(start + Ticks(offset), startUtc.Ticks + offset.Ticks, isMeasured));
            }

            var wait = TimeSpan.FromSeconds((sent + 1) / ratePerSecond) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                // At least 1 ms: at high rates each wake-up sends the requests that came due meanwhile.
                Thread.Sleep(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait);
            }
        }

        await Task.WhenAll(inFlight);
        var counts = tally.Snapshot();
        var measuredRequests = total - warmupRequests;
        var span = Math.Max(measured.TotalSeconds, Stopwatch.GetElapsedTime(windowStart, Interlocked.Read(ref lastMeasuredDoneAt)).TotalSeconds);
        return new OpenLoopResult(
            ratePerSecond,
            measuredRequests,
            counts.MeasuredSucceeded / span,
            counts.MeasuredSucceeded > 0 ? latency.Summary() : null,
            counts,
            measuredRequests == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(totalLagTicks / measuredRequests),
            maxLag);
    }

    private async Task<Outcome> SendAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Request(path, body);
            using var response = await client.SendAsync(request, cancellationToken);
            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? new Outcome(RequestStatus.Ok, content.Length, content.AsSpan().IndexOf(DegradedMarker) >= 0)
                : new Outcome(RequestStatus.NotOk, content.Length, false);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(RequestStatus.TimedOut, 0, false);
        }
        catch (HttpRequestException)
        {
            return new Outcome(RequestStatus.Failed, 0, false);
        }
    }

    private static HttpRequestMessage Request(string path, byte[] body) => new(HttpMethod.Post, path)
    {
        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
    };

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private enum RequestStatus
    {
        Ok,
        NotOk,
        TimedOut,
        Failed,
    }

    private readonly record struct Outcome(RequestStatus Status, int ResponseBytes, bool Degraded);

    /// <summary>Outcome counts, updated from many continuations at once.</summary>
    private sealed class Tally
    {
        private long succeeded;
        private long measuredSucceeded;
        private long notOk;
        private long timedOut;
        private long failed;
        private long degraded;
        private long responseBytes;

        public void Add(Outcome outcome, bool measured)
        {
            switch (outcome.Status)
            {
                case RequestStatus.Ok:
                    Interlocked.Increment(ref succeeded);
                    Interlocked.Add(ref responseBytes, outcome.ResponseBytes);
                    if (measured)
                    {
                        Interlocked.Increment(ref measuredSucceeded);
                    }

                    if (outcome.Degraded)
                    {
                        Interlocked.Increment(ref degraded);
                    }

                    break;
                case RequestStatus.NotOk:
                    Interlocked.Increment(ref notOk);
                    break;
                case RequestStatus.TimedOut:
                    Interlocked.Increment(ref timedOut);
                    break;
                default:
                    Interlocked.Increment(ref failed);
                    break;
            }
        }

        public RequestCounts Snapshot()
        {
            var ok = Interlocked.Read(ref succeeded);
            return new RequestCounts(
                ok,
                Interlocked.Read(ref measuredSucceeded),
                Interlocked.Read(ref notOk),
                Interlocked.Read(ref timedOut),
                Interlocked.Read(ref failed),
                Interlocked.Read(ref degraded),
                ok == 0 ? 0 : Interlocked.Read(ref responseBytes) / (double)ok);
        }
    }
}

/// <summary>Outcomes of every request of a phase, warm-up included, except where it says measured.</summary>
/// <param name="NotOk">Answered with another status than 200.</param>
/// <param name="Failed">No answer: connection refused or reset, or the client failed.</param>
/// <param name="Degraded">Successful answers that say <c>"degraded":true</c> (served without the profile).</param>
internal sealed record RequestCounts(
    long Succeeded, long MeasuredSucceeded, long NotOk, long TimedOut, long Failed, long Degraded, double ResponseAverageBytes)
{
    public long Errors => NotOk + TimedOut + Failed;

    public override string ToString() =>
        $"{Succeeded} ok, {Errors} errors ({NotOk} not 200, {TimedOut} timed out, {Failed} failed), {Degraded} degraded";
}

/// <param name="AchievedPerSecond">Successful measured requests per second, over the measured window or until the last of them answered if later.</param>
/// <param name="Latency">From scheduled send to the whole response read, of the successful measured requests; null if none succeeded.</param>
/// <param name="MeanLag">How late, on average, the generator sent a measured request after its due time (part of its latency).</param>
internal sealed record OpenLoopResult(
    double TargetPerSecond,
    long MeasuredRequests,
    double AchievedPerSecond,
    LatencySummary? Latency,
    RequestCounts Counts,
    TimeSpan MeanLag,
    TimeSpan MaxLag);

/// <param name="PerSecond">Successful answers per second received in the measured window.</param>
/// <param name="Latency">From send to the whole response read, of the requests answered in the measured window; null if none.</param>
internal sealed record ClosedLoopResult(int Workers, double PerSecond, LatencySummary? Latency, RequestCounts Counts);
