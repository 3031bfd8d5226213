using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests.Notifications;

/// <summary>
/// The real server with notification settings fit for tests. Quiet hours are 02:00-05:00, and the default time zone is
/// one where it is midday now, so only a test that gives its customer a night-time zone meets quiet hours, whatever
/// the hour the suite runs at.
/// </summary>
public class NotificationServerFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
{
    public Dictionary<string, string> Extra { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Notifications:QuietHoursStart", "02:00");
        builder.UseSetting("Notifications:QuietHoursEnd", "05:00");
        builder.UseSetting("Notifications:DefaultTimeZone", ZoneWhereItIs(12));
        builder.UseSetting("Notifications:SpendAlertThreshold", "500");
        builder.UseSetting("Notifications:DeliveryDelayGraceMinutes", "0");
        builder.UseSetting("Notifications:SchedulerPollMs", "100");
        builder.UseSetting("Notifications:MaxPerDayPerType", "2");
        builder.UseSetting("Notifications:MaxPerDay", "3");
        foreach (var (key, value) in Extra)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A fixed-offset IANA zone (Etc/GMT±n) where the local hour is about <paramref name="hour"/> now.</summary>
    public static string ZoneWhereItIs(int hour)
    {
        var offset = ((hour - DateTime.UtcNow.Hour) % 24 + 36) % 24 - 12;
        // Etc/GMT names have the sign reversed: Etc/GMT-3 is UTC+3.
        return offset switch
        {
            0 => "Etc/GMT",
            > 0 => string.Create(CultureInfo.InvariantCulture, $"Etc/GMT-{offset}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"Etc/GMT+{-offset}"),
        };
    }
}
