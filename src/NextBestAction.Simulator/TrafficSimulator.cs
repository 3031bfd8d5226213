using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.Kafka;
using NextBestAction.Telemetry;

using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>
/// Plays the <see cref="WebshopModel"/> into Kafka at <see cref="SimulatorOptions.EventsPerSecond"/>. The schedule is
/// open-loop: the n-th event is due at start + n / rate, whatever the broker does, so a slow broker shows up as
/// failures and backlog rather than as a silently lower rate. With <see cref="SimulatorOptions.DecisionsUrl"/> set, every
/// checkout asks the decision API for an offer over HTTP and the customer answers it from the hidden response model; the
/// outcome goes to the feedback topic like any channel's report. Only counts are logged, never customer ids.
/// </summary>
public sealed partial class TrafficSimulator(
    IOptions<SimulatorOptions> options,
    IOptions<KafkaOptions> kafkaOptions,
    TimeProvider time,
    IServiceProvider services,
    ILogger<TrafficSimulator> logger) : BackgroundService
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The simulated webshop starts each event's trace, as a real producer would.</summary>
    private static readonly ActivitySource Tracing = new(NbaTelemetry.ActivitySourceName);

    private long produced;
    private long failed;
    private int failureLogged;
    private long decisionsAnswered;
    private long offersAccepted;
    private long decisionsFailed;
    private int decisionFailureLogged;

    /// <summary>Checkouts whose decision came back and was answered by the customer (shown an offer or not).</summary>
    public long DecisionsAnswered => Interlocked.Read(ref decisionsAnswered);

    /// <summary>Offers the simulated customers accepted.</summary>
    public long OffersAccepted => Interlocked.Read(ref offersAccepted);

    /// <summary>Decision requests that failed or timed out; those checkouts went on without an offer.</summary>
    public long DecisionsFailed => Interlocked.Read(ref decisionsFailed);

    /// <summary>Events the broker acknowledged.</summary>
    public long EventsProduced => Interlocked.Read(ref produced);

    /// <summary>Events that could not be queued or delivered.</summary>
    public long EventsFailed => Interlocked.Read(ref failed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var kafka = kafkaOptions.Value;
        if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            throw new InvalidOperationException(
                "Kafka:BootstrapServers is empty: the traffic simulator needs brokers to produce to (or set Simulator:Enabled=false).");
        }

        var producerConfig = KafkaClientConfigs.Producer(kafka, "nba-simulator");
        producerConfig.LingerMs ??= 5;
        using var producer = new ProducerBuilder<string, byte[]>(producerConfig)
            .SetErrorHandler((_, error) => LogKafkaError(logger, error.Code, error.Reason))
            .Build();

        // A run id per start keeps event ids unique across restarts with the same seed.
        var runId = time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture);
        using var http = await DecisionHttpClientAsync(settings, stoppingToken);
        var decisions = http is null ? null : new WebshopDecisionClient(http, settings.DecisionsApiKey);
        var scenario = ResponseScenario.Create(settings.Scenario, time.GetUtcNow().AddMinutes(settings.DriftAfterMinutes));
        var model = new WebshopModel(settings.Customers, new Random(settings.Seed), runId, decisions is null
            ? WebshopModelOptions.Default with { Scenario = scenario }
            : new WebshopModelOptions
            {
                AnswerOffersRandomly = false,
                DecisionTimeout = TimeSpan.FromMilliseconds(settings.DecisionTimeoutMs),
                Scenario = scenario,
                OutcomesReportedByDriver = true,
            });
        var (firstCustomerId, lastCustomerId) = (SimulatedCustomers.Id(1), SimulatedCustomers.Id(settings.Customers));
        LogStarted(logger, settings.EventsPerSecond, firstCustomerId, lastCustomerId, settings.Seed, runId);
        if (http is not null)
        {
            LogAskingForDecisions(logger, http.BaseAddress!);
        }

        try
        {
            await RunAsync(model, producer, kafka.Topics, settings.EventsPerSecond, decisions, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            var unflushed = producer.Flush(FlushTimeout);
            LogStopped(logger, EventsProduced, EventsFailed, unflushed);
            if (decisions is not null)
            {
                LogDecisionsStopped(logger, DecisionsAnswered, OffersAccepted, DecisionsFailed);
            }
        }
    }

    /// <summary>
    /// The HTTP client for decisions, or null when none are asked for. <c>self</c> is this process's own address, known once
    /// the server has started, so the simulator waits for that first.
    /// </summary>
    private async Task<HttpClient?> DecisionHttpClientAsync(SimulatorOptions settings, CancellationToken stoppingToken)
    {
        if (settings.DecisionsUrl.Length == 0)
        {
            return null;
        }

        Uri address;
        if (settings.DecisionsUrl == SimulatorOptions.SelfUrl)
        {
            var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
            var started = new TaskCompletionSource();
            using (lifetime.ApplicationStarted.Register(started.SetResult))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            if (services.GetService<ISelfAddress>()?.Find() is not { } self)
            {
                LogNoSelfAddress(logger);
                return null;
            }

            address = self;
        }
        else
        {
            address = new Uri(settings.DecisionsUrl);
        }

        return new HttpClient
        {
            BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/"),
            Timeout = TimeSpan.FromMilliseconds(settings.DecisionTimeoutMs),
        };
    }

    private async Task RunAsync(
        WebshopModel model, IProducer<string, byte[]> producer, TopicNames topics, double eventsPerSecond, WebshopDecisionClient? decisions, CancellationToken stoppingToken)
    {
        Action<DeliveryReport<string, byte[]>> onDelivered = OnDelivered;
        // At most one second of events per wake-up, so stopping stays responsive when catching up after a stall.
        var maxBurst = (long)Math.Ceiling(eventsPerSecond);
        var start = time.GetTimestamp();
        long sent = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = (long)(time.GetElapsedTime(start).TotalSeconds * eventsPerSecond);
            for (var burst = 0; sent < due && burst < maxBurst; burst++, sent++)
            {
                Produce(model.Next(time.GetUtcNow()), producer, topics, onDelivered);
            }

            if (decisions is not null)
            {
                await AnswerCheckoutsAsync(model, decisions, stoppingToken);
            }

            var wait = TimeSpan.FromSeconds((sent + 1) / eventsPerSecond) - time.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Asks for each waiting checkout's decision, one at a time (the model is single-threaded), and lets the customer answer.
    /// A failed request leaves the checkout to time out and go on without an offer, as a webshop would.
    /// </summary>
    private async Task AnswerCheckoutsAsync(WebshopModel model, WebshopDecisionClient decisions, CancellationToken stoppingToken)
    {
        while (model.TryTakeDecisionMoment(out var moment))
        {
            WebshopDecision decision;
            try
            {
                decision = await decisions.DecideAsync(moment, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                Interlocked.Increment(ref decisionsFailed);
                if (Interlocked.Exchange(ref decisionFailureLogged, 1) == 0)
                {
                    LogFirstDecisionFailure(logger, ex.GetType().Name, ex.Message);
                }

                continue;
            }

            var answer = model.Answer(moment, decision.DecisionId, decision.Offer);
            Interlocked.Increment(ref decisionsAnswered);
            if (answer.Response == OfferResponse.Accepted)
            {
                Interlocked.Increment(ref offersAccepted);
            }

            if (answer is { Offer: { } offer, Response: OfferResponse.Accepted or OfferResponse.Declined })
            {
                await ReportOutcomeAsync(decisions, decision.DecisionId, offer.ActionId, answer.Response == OfferResponse.Accepted, stoppingToken);
            }
        }
    }

    /// <summary>Reports the customer's answer as a webshop does, through the outcome route; a failed report is counted and the answer is lost.</summary>
    private async Task ReportOutcomeAsync(WebshopDecisionClient decisions, string decisionId, string actionId, bool accepted, CancellationToken stoppingToken)
    {
        try
        {
            await decisions.ReportOutcomeAsync(decisionId, actionId, accepted, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref decisionsFailed);
            if (Interlocked.Exchange(ref decisionFailureLogged, 1) == 0)
            {
                LogFirstDecisionFailure(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    private void Produce(SimulatedEvent e, IProducer<string, byte[]> producer, TopicNames topics, Action<DeliveryReport<string, byte[]>> onDelivered)
    {
        var topic = e.TopicIn(topics);
        using var send = KafkaTracing.StartSend(Tracing, topic);
        var message = new Message<string, byte[]> { Key = e.Subject, Value = SimulatedEventJson.ToUtf8Json(e), Headers = KafkaTracing.Inject(send) };
        try
        {
            producer.Produce(topic, message, onDelivered);
        }
        catch (KafkaException ex)
        {
            // Typically a full local queue while the brokers are unreachable: the event is dropped and counted.
            RecordFailure(ex.Error.Reason);
        }
    }

    private void OnDelivered(DeliveryReport<string, byte[]> report)
    {
        if (report.Error.IsError)
        {
            RecordFailure(report.Error.Reason);
        }
        else
        {
            Interlocked.Increment(ref produced);
        }
    }

    private void RecordFailure(string reason)
    {
        Interlocked.Increment(ref failed);
        if (Interlocked.Exchange(ref failureLogged, 1) == 0)
        {
            LogFirstFailure(logger, reason);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Traffic simulator producing {EventsPerSecond} events/s for customers {FirstCustomerId}..{LastCustomerId} (seed {Seed}, run {RunId})")]
    private static partial void LogStarted(ILogger logger, double eventsPerSecond, string firstCustomerId, string lastCustomerId, int seed, string runId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Traffic simulator stopped: {Produced} events produced, {Failed} failed, {Unflushed} not flushed")]
    private static partial void LogStopped(ILogger logger, long produced, long failed, int unflushed);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Traffic simulator asks {Address} for a decision at every checkout")]
    private static partial void LogAskingForDecisions(ILogger logger, Uri address);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "Traffic simulator decisions: {Answered} answered, {Accepted} offers accepted, {Failed} requests failed")]
    private static partial void LogDecisionsStopped(ILogger logger, long answered, long accepted, long failed);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Traffic simulator could not get a decision ({Error}: {Reason}); that checkout went on without an offer, further failures are only counted")]
    private static partial void LogFirstDecisionFailure(ILogger logger, string error, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "Simulator:DecisionsUrl is \"self\" but this process listens on no HTTP address; checkouts get random outcomes instead")]
    private static partial void LogNoSelfAddress(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Traffic simulator Kafka error {Code}: {Reason}")]
    private static partial void LogKafkaError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Traffic simulator could not produce an event ({Reason}); further failures are only counted")]
    private static partial void LogFirstFailure(ILogger logger, string reason);
}
