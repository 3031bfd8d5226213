namespace NextBestAction.Profiles;

/// <summary>
/// Everything the service knows about one customer, stored as one Redis value so a decision costs one read.
/// Lists are bounded (see <see cref="ProfileLimits"/>). The ingestion bookkeeping (applied offsets and
/// recent event ids) lives in the same value so it is written atomically with the change it guards.
/// </summary>
public sealed class CustomerProfile
{
    public required string CustomerId { get; init; }

    public List<CartLine> Cart { get; set; } = [];

    public List<OpenOrder> OpenOrders { get; set; } = [];

    public List<BrokenPromise> BrokenPromises { get; set; } = [];

    public int KeptPromises { get; set; }

    public int OrderCount { get; set; }

    public decimal TotalSpend { get; set; }

    public DateTimeOffset? LastOrderAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Highest applied Kafka offset per "topic/partition": redelivered or zombie writes are skipped.</summary>
    public Dictionary<string, long> AppliedOffsets { get; set; } = [];

    /// <summary>Most recent CloudEvents source+id pairs: an event produced twice is applied once.</summary>
    public List<string> RecentEventIds { get; set; } = [];

    public int BrokenPromisesSince(DateTimeOffset since) => BrokenPromises.Count(p => p.DeliveredAt >= since);

    /// <summary>Orders whose promised delivery date has passed without a delivery.</summary>
    public IEnumerable<OpenOrder> LateOpenOrders(DateTimeOffset now) => OpenOrders.Where(o => o.PromisedDeliveryDate < now);
}

public sealed record CartLine(string ProductId, string Category, string ProductLine, decimal Price, int Quantity, DateTimeOffset AddedAt);

public sealed record OpenOrder(string OrderId, DateTimeOffset PlacedAt, DateTimeOffset PromisedDeliveryDate, decimal Total, IReadOnlyList<string> ProductLines);

public sealed record BrokenPromise(string OrderId, DateTimeOffset PromisedDeliveryDate, DateTimeOffset DeliveredAt);

/// <summary>Caps on every list in a profile so one busy customer cannot grow a value without bound.</summary>
public static class ProfileLimits
{
    public const int CartLines = 50;
    public const int OpenOrders = 50;
    public const int BrokenPromises = 20;
    public const int RecentEventIds = 64;
}
