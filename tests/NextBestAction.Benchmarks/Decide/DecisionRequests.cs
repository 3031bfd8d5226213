using System.Buffers;
using System.Text.Json;
using NextBestAction.Simulator;

namespace NextBestAction.Benchmarks.Decide;

/// <summary>
/// Decision request bodies as a webshop's checkout sends them (shared/contracts.md): a random seeded customer,
/// touchpoint checkout, channel web, a cart of 0 to 3 products of the simulated shop, 1 to 3 actions. Serialized once
/// up front and handed out in turn (thread-safe), so the load generator spends no time on JSON.
/// </summary>
internal sealed class DecisionRequests
{
    /// <summary>Distinct bodies by default; enough that customers and carts do not repeat in a short cycle.</summary>
    public const int DefaultDistinct = 16_384;

    private readonly byte[][] bodies;
    private long next = -1;

    public DecisionRequests(IReadOnlyList<string> customerIds, int seed, int distinct = DefaultDistinct)
    {
        var random = new Random(seed);
        bodies = new byte[distinct][];
        for (var i = 0; i < bodies.Length; i++)
        {
            bodies[i] = Body(random, customerIds[random.Next(customerIds.Count)]);
        }

        AverageBytes = bodies.Average(b => b.Length);
    }

    public double AverageBytes { get; }

    public IReadOnlyList<byte[]> Bodies => bodies;

    public byte[] Next() => bodies[(int)((ulong)Interlocked.Increment(ref next) % (ulong)bodies.Length)];

    private static byte[] Body(Random random, string customerId)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("customerId", customerId);
            writer.WriteString("touchpoint", "checkout");
            writer.WriteString("channel", "web");
            writer.WriteStartObject("context");
            writer.WriteStartArray("cart");
            var lines = random.Next(4);
            for (var i = 0; i < lines; i++)
            {
                var product = SimulatedCatalog.Products[random.Next(SimulatedCatalog.Products.Count)];
                writer.WriteStartObject();
                writer.WriteString("productId", product.Id);
                writer.WriteString("category", product.Category);
                writer.WriteString("productLine", product.ProductLine);
                writer.WriteNumber("price", product.ListPrice);
                writer.WriteNumber("quantity", random.NextDouble() < 0.9 ? 1 : 2);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteNumber("maxActions", 1 + random.Next(3));
            writer.WriteBoolean("debug", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
