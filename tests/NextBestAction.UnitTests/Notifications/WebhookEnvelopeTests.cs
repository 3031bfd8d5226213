using System.Text;
using NextBestAction.Notifications;

namespace NextBestAction.UnitTests.Notifications;

/// <summary>Which records on <c>nba.notifications</c> the webhook can send, and why the others are dead-lettered.</summary>
public sealed class WebhookEnvelopeTests
{
    [Theory]
    [InlineData("""{"id":"ntf-push-00ff00ff00ff00ff","type":"nba.notification.price_drop"}""", "ntf-push-00ff00ff00ff00ff", null)]
    [InlineData("""{"id":42,"type":"nba.notification.price_drop"}""", "", "\"id\" is not a string")]
    [InlineData("""{"type":"nba.notification.price_drop"}""", "", "\"id\" is not a string")]
    [InlineData("""{"id":"ntf-1\r\nX-Injected: yes"}""", "", "\"id\" must be 1 to 200 printable ASCII characters")]
    [InlineData("""{"id":"ntf-1 2"}""", "", "\"id\" must be 1 to 200 printable ASCII characters")]
    [InlineData("""{"id":"ntf-é"}""", "", "\"id\" must be 1 to 200 printable ASCII characters")]
    [InlineData("""{"id":""}""", "", "\"id\" must be 1 to 200 printable ASCII characters")]
    [InlineData("""["ntf-1"]""", "", "not a JSON object")]
    [InlineData("""{"id":"ntf-1" """, "", "not JSON")]
    [InlineData("", "", "not JSON")]
    public void ReadEnvelope_SendsOnlyRecordsWithAHeaderSafeId(string record, string id, string? malformed)
    {
        var envelope = WebhookDeliveryService.ReadEnvelope(Encoding.UTF8.GetBytes(record));

        Assert.Equal((id, malformed), (envelope.Id, envelope.Malformed));
    }

    [Fact]
    public void ReadEnvelope_IdTooLong_Malformed() =>
        Assert.NotNull(WebhookDeliveryService.ReadEnvelope(Encoding.UTF8.GetBytes($$"""{"id":"{{new string('a', 201)}}"}""")).Malformed);

    [Fact]
    public void ReadEnvelope_MalformedId_KeepsTheTypeForTheDeadLetter() =>
        Assert.Equal("nba.notification.price_drop", WebhookDeliveryService.ReadEnvelope("""{"id":7,"type":"nba.notification.price_drop"}"""u8.ToArray()).Type);
}
