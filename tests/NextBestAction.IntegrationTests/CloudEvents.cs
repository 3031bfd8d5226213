using System.Text.Json;

namespace NextBestAction.IntegrationTests;

/// <summary>Serializes CloudEvents as an external producer would send them.</summary>
internal static class CloudEvents
{
    /// <param name="id">The CloudEvents id; a new one when left out.</param>
    public static byte[] Create(string type, string subject, object data, DateTimeOffset? time = null, string? id = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = id ?? $"evt-{Guid.NewGuid():N}",
            ["source"] = "/integration-tests",
            ["type"] = type,
            ["time"] = (time ?? DateTimeOffset.UtcNow).ToString("O"),
            ["subject"] = subject,
            ["datacontenttype"] = "application/json",
            ["data"] = data,
        });
}
