using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests.Notifications;

/// <summary>A bad notification setting stops the real server at start-up with a message naming the setting.</summary>
public sealed class NotificationStartupTests(KafkaFixture kafka, RedisServerFixture redis)
{
    [Theory]
    [InlineData("Notifications:DefaultTimeZone", "Mars/Olympus_Mons")]
    [InlineData("Notifications:QuietHoursStart", "25:00")]
    [InlineData("Notifications:Webhook:Secret", "short")]
    [InlineData("Notifications:FanoutBatchSize", "0")]
    [InlineData("Notifications:Webhook:AllowHttp", "false")]
    [InlineData("Notifications:Webhook:PreviousSecret", "short")]
    public async Task Start_InvalidSetting_FailsNamingTheSetting(string setting, string value)
    {
        await using var factory = new NotificationServerFactory(kafka, redis)
        {
            Extra =
            {
                ["Notifications:Webhook:Url"] = "http://127.0.0.1:9/hooks",
                ["Notifications:Webhook:Secret"] = "0123456789abcdef-secret",
                ["Notifications:Webhook:AllowHttp"] = "true",
                [setting] = value,
            },
        };

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient().Dispose());

        Assert.Contains(setting, error.ToString(), StringComparison.Ordinal);
    }
}
