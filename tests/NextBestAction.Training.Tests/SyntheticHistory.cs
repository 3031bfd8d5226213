using System.Text;
using System.Text.Json;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.Training.Tests;

/// <summary>
/// A logged history with a known hidden acceptance rule, written exactly as the service writes it: decision.logged
/// CloudEvents (the real <see cref="DecisionLogRecord"/> serialised by the service's JSON context) and offer outcome
/// CloudEvents. Bundles are accepted with line affinity, a product of the line in the cart and discount for
/// price-sensitive customers; services with late orders and churn risk. Every other attribute is noise.
/// </summary>
internal sealed class SyntheticHistory
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] CustomerNames = [.. ModelFeatures.All.Where(n => !ModelFeatures.IsActionLevel(n))];
    private static readonly string[] ActionNames = [.. DecisionAttributes.Numeric.Select(a => a.Name).Where(ModelFeatures.IsActionLevel)];

    private SyntheticHistory(List<DecisionLogRecord> decisions, List<(string DecisionId, string ActionId, string Type)> outcomes, Dictionary<(string, string), double> truth)
    {
        Decisions = decisions;
        Outcomes = outcomes;
        TrueProbability = truth;
    }

    public IReadOnlyList<DecisionLogRecord> Decisions { get; }

    public IReadOnlyList<(string DecisionId, string ActionId, string Type)> Outcomes { get; }

    /// <summary>The hidden probability of every chosen action, by decision and action.</summary>
    public IReadOnlyDictionary<(string, string), double> TrueProbability { get; }

    /// <param name="seed">Seeds every draw.</param>
    /// <param name="decisions">How many decisions, one a minute from <see cref="Start"/>.</param>
    /// <param name="customers">Drawn from this many customer ids, <c>c-0</c> up.</param>
    public static SyntheticHistory Generate(int seed, int decisions, int customers = 500)
    {
        var random = new Random(seed);
        var records = new List<DecisionLogRecord>(decisions);
        var outcomes = new List<(string, string, string)>();
        var truth = new Dictionary<(string, string), double>();
        for (var d = 0; d < decisions; d++)
        {
            var id = $"d-{seed}-{d:D6}";
            var customer = CustomerNames.ToDictionary(n => n, _ => (double)random.Next(0, 4), StringComparer.Ordinal);
            customer["churn.risk"] = Math.Round(random.NextDouble(), 3);
            customer["price.sensitivity"] = Math.Round(random.NextDouble(), 3);
            customer["orders.late"] = random.NextDouble() < 0.25 ? 1 : 0;
            customer["cart.value"] = Math.Round(random.NextDouble() * 1500, 2);

            var candidates = new List<LoggedCandidate>();
            foreach (var (actionId, kind) in new[] { ("bundle-a", ActionKinds.Bundle), ("bundle-b", ActionKinds.Bundle), ("service-apology", ActionKinds.Service) })
            {
                var action = ActionNames.ToDictionary(n => n, _ => (double)random.Next(0, 3), StringComparer.Ordinal);
                action["action.affinity"] = kind == ActionKinds.Bundle ? Math.Round(random.NextDouble(), 3) : 0;
                action["action.discountPercent"] = kind == ActionKinds.Bundle ? 10 * random.Next(0, 3) : 0;
                action["action.inCart"] = kind == ActionKinds.Bundle && random.NextDouble() < 0.4 ? 1 : 0;
                // The prior the service logged: it sees the right signals, weighted by hand.
                var logged = kind == ActionKinds.Bundle ? 0.1 + (0.1 * action["action.affinity"]) : 0.1 + (0.15 * customer["orders.late"]);
                candidates.Add(new LoggedCandidate(actionId, kind, logged, 1, 10, 1, logged * 10, action) { Probability = 1.0 / 3 });
            }

            // The logging policy shows a uniformly random candidate: every kind is learnt from.
            var chosen = candidates[random.Next(candidates.Count)];
            var p = Truth(customer, chosen);
            truth[(id, chosen.ActionId)] = p;
            var accepted = random.NextDouble() < p;
            outcomes.Add((id, chosen.ActionId, accepted ? EventTypes.OfferAccepted : random.NextDouble() < 0.5 ? EventTypes.OfferDeclined : EventTypes.OfferIgnored));
            records.Add(new DecisionLogRecord(id, $"c-{random.Next(customers)}", Start.AddMinutes(d), "checkout", "web", false, "prior-v2", "test-1",
                "uniform", [], customer, new Arbitration(null, 0, 0, "none"), candidates, [new LoggedChoice(chosen.ActionId, 1, 1.0 / 3)], 0));
        }

        return new SyntheticHistory(records, outcomes, truth);
    }

    /// <summary>The hidden rule.</summary>
    public static double Truth(IReadOnlyDictionary<string, double> customer, LoggedCandidate candidate)
    {
        var a = candidate.Features;
        var logit = candidate.Kind == ActionKinds.Bundle
            ? -3.5 + (4.0 * a["action.affinity"]) + (2.0 * a["action.inCart"]) + (2.5 * customer["price.sensitivity"] * a["action.discountPercent"] / 20)
            : -3.0 + (3.0 * customer["orders.late"]) + (3.0 * customer["churn.risk"]);
        return 1 / (1 + Math.Exp(-logit));
    }

    public static byte[] DecisionEvent(DecisionLogRecord record) => JsonSerializer.SerializeToUtf8Bytes(
        new OutgoingCloudEvent<DecisionLogRecord>(record.DecisionId, DecisionLogEvents.EventSource, DecisionLogEvents.EventType, record.At, record.CustomerId, record),
        DecisionLogJsonContext.Default.OutgoingCloudEventDecisionLogRecord);

    public static byte[] OutcomeEvent(string decisionId, string actionId, string type, DateTimeOffset at) => JsonSerializer.SerializeToUtf8Bytes(
        new OutgoingCloudEvent<OfferOutcomeData>($"{decisionId}:{actionId}", "/test", type, at, "c", new OfferOutcomeData(decisionId, actionId)),
        DecisionLogJsonContext.Default.OutgoingCloudEventOfferOutcomeData);

    /// <summary>Writes decisions.jsonl and outcomes.jsonl into <paramref name="directory"/>.</summary>
    public (string Decisions, string Outcomes) WriteFiles(string directory)
    {
        var decisions = Path.Combine(directory, "decisions.jsonl");
        var outcomes = Path.Combine(directory, "outcomes.jsonl");
        File.WriteAllLines(decisions, Decisions.Select(r => Encoding.UTF8.GetString(DecisionEvent(r))));
        File.WriteAllLines(outcomes, Outcomes.Select(o => Encoding.UTF8.GetString(OutcomeEvent(o.DecisionId, o.ActionId, o.Type, Start))));
        return (decisions, outcomes);
    }
}

/// <summary>Command lines for the CLI tests.</summary>
internal static class CliArguments
{
    /// <summary><paramref name="arguments"/> with <paramref name="option"/> set to <paramref name="value"/>: replaced when present, else appended.</summary>
    public static string[] With(IReadOnlyList<string> arguments, string option, string value)
    {
        var list = arguments.ToList();
        var at = list.IndexOf(option);
        if (at >= 0)
        {
            list[at + 1] = value;
        }
        else
        {
            list.AddRange([option, value]);
        }

        return [.. list];
    }
}

/// <summary>A temporary directory removed at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nba-training-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
