using System.Globalization;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>The sums kept for one action in one group: what was shown, what of it explored, what was accepted and its value.</summary>
/// <param name="ValueSquares">The sum of the squared accepted values, for the variance of value per impression.</param>
public sealed record OfferCounts(long Impressions, long Explored, long Accepted, double ValueSum, double ValueSquares)
{
    public static OfferCounts Zero { get; } = new(0, 0, 0, 0, 0);

    public OfferCounts Add(OfferCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Impressions + other.Impressions, Explored + other.Explored, Accepted + other.Accepted,
            ValueSum + other.ValueSum, ValueSquares + other.ValueSquares);
    }
}

/// <summary>The offer statistics of some days, summed: decisions per group, and per group and action the <see cref="OfferCounts"/>.</summary>
public sealed record OfferStatistics(
    IReadOnlyDictionary<string, long> DecisionsByGroup,
    IReadOnlyDictionary<(string Group, string ActionId), OfferCounts> Actions)
{
    public long Decisions(string group) => DecisionsByGroup.GetValueOrDefault(group);

    public OfferCounts Of(string group, string actionId) => Actions.GetValueOrDefault((group, actionId), OfferCounts.Zero);
}

/// <summary>
/// Per-action offer statistics shared by every API instance, one Redis hash per UTC day (<see cref="ProfileKeys.OfferStatistics"/>),
/// sums only and no customer's data. Fields are <c>{counter}:{group}:{actionId}</c>: <c>n</c> impressions, <c>x</c>
/// explored impressions, <c>a</c> acceptances, <c>v</c> the accepted value and <c>q</c> its squares; <c>d:{group}</c>
/// counts the group's decisions, those that showed nothing included. Impressions and decisions are queued on the
/// recorder's batch (no round trip of their own), acceptances on the outcome route, both on the day of the decision.
/// Each write renews the key's expiry of <see cref="KeyLifetime"/>. Dry runs are never recorded, so never counted.
/// </summary>
public sealed class OfferStatisticsStore(RedisProfileStore profiles)
{
    /// <summary>How long a day's hash stays after its last write: the console's longest window (28 days) and a week to spare.</summary>
    public static TimeSpan KeyLifetime { get; } = TimeSpan.FromDays(35);

    public const string Impressions = "n";
    public const string Explored = "x";
    public const string Accepted = "a";
    public const string Value = "v";
    public const string ValueSquares = "q";
    public const string Decisions = "d";

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    public static string Field(string counter, string group, string actionId) => $"{counter}:{group}:{actionId}";

    /// <summary>
    /// True when the exploration policy showed <paramref name="slot"/>'s action where the greedy policy would not have:
    /// it is not among the top-ranked candidates for as many slots as were shown. With one slot: the first pick is not
    /// the top-ranked candidate. The holdout's catalog order is greedy, so control never explores.
    /// </summary>
    public static bool IsExplored(EngineDecision decision, int slot)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var shown = decision.Picks[slot].Candidate;
        var greedy = Math.Min(decision.Picks.Count, decision.Ranked.Count);
        for (var i = 0; i < greedy; i++)
        {
            if (ReferenceEquals(decision.Ranked[i], shown))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A batch of served decisions as increments per day hash and field: a few fields per distinct action, not per decision.</summary>
    public static Dictionary<DateOnly, Dictionary<string, long>> Tally(IEnumerable<ServedDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        var days = new Dictionary<DateOnly, Dictionary<string, long>>();
        foreach (var d in decisions)
        {
            var day = DayOf(d.At);
            if (!days.TryGetValue(day, out var fields))
            {
                days[day] = fields = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            Increment(fields, $"{Decisions}:{d.Group}");
            var picks = d.Decision.Picks;
            for (var slot = 0; slot < picks.Count; slot++)
            {
                var actionId = picks[slot].Candidate.Action.Id;
                Increment(fields, Field(Impressions, d.Group, actionId));
                if (IsExplored(d.Decision, slot))
                {
                    Increment(fields, Field(Explored, d.Group, actionId));
                }
            }
        }

        return days;
    }

    /// <summary>Queues the impressions and decisions of a batch of served decisions on <paramref name="db"/> (a pipeline of the caller).</summary>
    public Task QueueShownAsync(IDatabaseAsync db, IEnumerable<ServedDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(db);
        var writes = new List<Task>();
        foreach (var (day, fields) in Tally(decisions))
        {
            var key = (RedisKey)profiles.Keys.OfferStatistics(day);
            foreach (var (field, increment) in fields)
            {
                writes.Add(db.HashIncrementAsync(key, field, increment));
            }

            writes.Add(db.KeyExpireAsync(key, KeyLifetime));
        }

        return Task.WhenAll(writes);
    }

    /// <summary>Counts an accepted offer and its value on the day of its decision, in one pipelined batch.</summary>
    public Task RecordAcceptedAsync(DateTimeOffset decidedAt, string group, string actionId, double value)
    {
        var key = (RedisKey)profiles.Keys.OfferStatistics(DayOf(decidedAt));
        var batch = profiles.Database.CreateBatch();
        var writes = Task.WhenAll(
            batch.HashIncrementAsync(key, Field(Accepted, group, actionId), 1),
            batch.HashIncrementAsync(key, Field(Value, group, actionId), value),
            batch.HashIncrementAsync(key, Field(ValueSquares, group, actionId), value * value),
            batch.KeyExpireAsync(key, KeyLifetime));
        batch.Execute();
        return writes;
    }

    /// <summary>The sums of <paramref name="days"/>, read in one pipelined batch; a day without a hash adds nothing.</summary>
    public async Task<OfferStatistics> ReadAsync(IEnumerable<DateOnly> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var batch = profiles.Database.CreateBatch();
        var reads = days.Select(day => batch.HashGetAllAsync(profiles.Keys.OfferStatistics(day))).ToList();
        batch.Execute();
        var decisions = new Dictionary<string, long>(StringComparer.Ordinal);
        var actions = new Dictionary<(string, string), OfferCounts>();
        foreach (var entries in await Task.WhenAll(reads))
        {
            foreach (var entry in entries)
            {
                Add(decisions, actions, (string)entry.Name!, (string?)entry.Value);
            }
        }

        return new OfferStatistics(decisions, actions);
    }

    private static void Add(Dictionary<string, long> decisions, Dictionary<(string, string), OfferCounts> actions, string field, string? text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return;
        }

        var parts = field.Split(':', 3);
        if (parts is [Decisions, var decidingGroup])
        {
            decisions[decidingGroup] = decisions.GetValueOrDefault(decidingGroup) + (long)value;
            return;
        }

        if (parts is not [var counter, var group, var actionId])
        {
            return;
        }

        var count = (long)value;
        var add = counter switch
        {
            Impressions => OfferCounts.Zero with { Impressions = count },
            Explored => OfferCounts.Zero with { Explored = count },
            Accepted => OfferCounts.Zero with { Accepted = count },
            Value => OfferCounts.Zero with { ValueSum = value },
            ValueSquares => OfferCounts.Zero with { ValueSquares = value },
            _ => OfferCounts.Zero,
        };
        actions[(group, actionId)] = actions.GetValueOrDefault((group, actionId), OfferCounts.Zero).Add(add);
    }

    private static void Increment(Dictionary<string, long> fields, string field) => fields[field] = fields.GetValueOrDefault(field) + 1;
}
