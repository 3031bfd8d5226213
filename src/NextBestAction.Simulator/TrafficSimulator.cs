using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NextBestAction.Contracts;
using NextBestAction.ServiceDefaults;

namespace NextBestAction.Simulator;

/// <summary>
/// Plays the <see cref="WebshopModel"/> into Kafka at <see cref="SimulatorOptions.EventsPerSecond"/>. The schedule is
/// open-loop: the n-th event is due at start + n / rate, whatever the broker does, so a slow broker shows up as
/// failures and backlog rather than as a silently lower rate. Only counts are logged, never customer ids.
/// </summary>
public sealed partial class TrafficSimulator(
    IOptions<SimulatorOptions> options,
    IOptions<KafkaOptions> kafkaOptions,
    TimeProvider time,
    ILogger<TrafficSimulator> logger) : BackgroundService
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private long produced;
    private long failed;
    private int failureLogged;

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
        var model = new WebshopModel(settings.Customers, new Random(settings.Seed), runId);
        var (firstCustomerId, lastCustomerId) = (SimulatedCustomers.Id(1), SimulatedCustomers.Id(settings.Customers));
        LogStarted(logger, settings.EventsPerSecond, firstCustomerId, lastCustomerId, settings.Seed, runId);

        try
        {
            await RunAsync(model, producer, kafka.Topics, settings.EventsPerSecond, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            var unflushed = producer.Flush(FlushTimeout);
            LogStopped(logger, EventsProduced, EventsFailed, unflushed);
        }
    }

    private async Task RunAsync(WebshopModel model, IProducer<string, byte[]> producer, TopicNames topics, double eventsPerSecond, CancellationToken stoppingToken)
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

            var wait = TimeSpan.FromSeconds((sent + 1) / eventsPerSecond) - time.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken);
            }
        }
    }

    private void Produce(SimulatedEvent e, IProducer<string, byte[]> producer, TopicNames topics, Action<DeliveryReport<string, byte[]>> onDelivered)
    {
        var message = new Message<string, byte[]> { Key = e.Subject, Value = SimulatedEventJson.ToUtf8Json(e) };
        try
        {
            producer.Produce(e.TopicIn(topics), message, onDelivered);
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

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Traffic simulator Kafka error {Code}: {Reason}")]
    private static partial void LogKafkaError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Traffic simulator could not produce an event ({Reason}); further failures are only counted")]
    private static partial void LogFirstFailure(ILogger logger, string reason);
}
