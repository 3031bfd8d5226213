using System.Text;
using System.Text.Json.Nodes;

namespace NextBestAction.UnitTests;

/// <summary>Builds CloudEvent JSON the way producers send it.</summary>
internal static class TestEvents
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 15, 0, TimeSpan.Zero);

    public static byte[] Json(string type, string subject, JsonObject data, string? id = null, DateTimeOffset? time = null, string source = "/webshop/eu")
    {
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id ?? Guid.NewGuid().ToString("N"),
            ["source"] = source,
            ["type"] = type,
            ["time"] = (time ?? Now).ToString("O"),
            ["subject"] = subject,
            ["datacontenttype"] = "application/json",
            ["data"] = data.DeepClone(),
        };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    public static JsonObject CartItem(string productId = "p-100", string productLine = "galaxy-s", decimal price = 799m, int quantity = 1) => new()
    {
        ["productId"] = productId,
        ["category"] = "phones",
        ["productLine"] = productLine,
        ["price"] = price,
        ["quantity"] = quantity,
    };
}
