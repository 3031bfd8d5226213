using Confluent.Kafka;
using StackExchange.Redis;

namespace NextBestAction.Notifications;

/// <summary>
/// The loop of the notification background workers: run a round; when it found nothing more to do right away, wait one
/// poll interval. A Redis or Kafka failure is reported and retried after the interval; stopping ends the loop quietly.
/// </summary>
internal static class PollingLoop
{
    /// <param name="round">One round of work; true when more is waiting, so the next round starts at once.</param>
    /// <param name="poll">Wait between rounds when idle, and after a failure.</param>
    /// <param name="clock">The clock the waits use.</param>
    /// <param name="failed">Reports a failed round (error type, message).</param>
    /// <param name="stoppingToken">Ends the loop.</param>
    public static async Task RunAsync(
        Func<CancellationToken, Task<bool>> round, TimeSpan poll, TimeProvider clock, Action<string, string> failed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await round(stoppingToken))
                {
                    await Task.Delay(poll, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or KafkaException or TimeoutException)
            {
                failed(ex.GetType().Name, ex.Message);
                await Task.Delay(poll, clock, stoppingToken);
            }
        }
    }
}
