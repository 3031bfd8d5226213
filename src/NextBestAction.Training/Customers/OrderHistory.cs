using System.Text.Json;
using NextBestAction.Contracts;

namespace NextBestAction.Training.Customers;

/// <summary>
/// The orders each customer placed, read from the orders topic (or its export): <c>order.placed</c> events give the
/// customer (subject), the time and the total. Repeated events (same source and id) count once. The latest event time
/// of any kind says how far the history reaches, so snapshots whose horizon runs past it are not labelled.
/// </summary>
internal sealed class OrderHistory
{
    private readonly Dictionary<string, List<(DateTimeOffset At, double Total)>> orders = new(StringComparer.Ordinal);
    private readonly HashSet<(string Source, string Id)> seen = [];

    public long Events { get; private set; }

    public int Orders { get; private set; }

    public int Duplicates { get; private set; }

    public int Unreadable { get; private set; }

    /// <summary>The latest event time in the source: the end of the observed history.</summary>
    public DateTimeOffset? ObservedUntil { get; private set; }

    public void Add(byte[] json)
    {
        Events++;
        CloudEvent? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(json, ContractsJsonContext.Default.CloudEvent);
        }
        catch (JsonException)
        {
            Unreadable++;
            return;
        }

        if (envelope?.Time is not { } at || envelope.Type is null)
        {
            Unreadable++;
            return;
        }

        ObservedUntil = ObservedUntil is { } until && until > at ? until : at;
        if (envelope.Type != EventTypes.OrderPlaced || envelope.Subject is not { } customer)
        {
            return;
        }

        if (envelope.Id is { } id && !seen.Add((envelope.Source ?? "", id)))
        {
            Duplicates++;
            return;
        }

        OrderPlacedData? data;
        try
        {
            data = envelope.Data.ValueKind == JsonValueKind.Object ? envelope.Data.Deserialize(ContractsJsonContext.Default.OrderPlacedData) : null;
        }
        catch (JsonException)
        {
            data = null;
        }

        if (data?.Total is not { } total || total < 0)
        {
            Unreadable++;
            return;
        }

        if (!orders.TryGetValue(customer, out var list))
        {
            orders[customer] = list = [];
        }

        list.Add((at, (double)total));
        Orders++;
    }

    /// <summary>Orders of the customer after <paramref name="from"/> up to and including <paramref name="until"/>: how many and their total.</summary>
    public (int Count, double Spend) Between(string customerId, DateTimeOffset from, DateTimeOffset until)
    {
        if (!orders.TryGetValue(customerId, out var list))
        {
            return (0, 0);
        }

        var count = 0;
        var spend = 0.0;
        foreach (var (at, total) in list)
        {
            if (at > from && at <= until)
            {
                count++;
                spend += total;
            }
        }

        return (count, spend);
    }
}
