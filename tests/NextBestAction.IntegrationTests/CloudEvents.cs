using System.Text.Json;

namespace NextBestAction.IntegrationTests;

/// <summary>Serializes CloudEvents as an external producer would send them.</summary>
internal static class CloudEvents
{
    public static byte[] Create(string type, string subject, object data, DateTimeOffset? time = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = $"evt-{Guid.NewGuid():N}",
            ["source"] = "/integration-tests",
            ["type"] = type,
            ["time"] = (time ?? DateTimeOffset.UtcNow).ToString("O"),
            ["subject"] = subject,
            ["datacontenttype"] = "application/json",
            ["data"] = data,
        });
}
