using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Training.History;
using NextBestAction.Training.Propensity;

namespace NextBestAction.Training.Tests;

public sealed class TrainingSetBuilderTests
{
    private static readonly string[] Features = ["cart.value", "action.affinity", ModelFeatures.ActionKindBundle, "orders.count"];

    private static DecisionLogRecord Decision(string id, int minute, params string[] chosen) => Decision(id, "c-1", minute, chosen);

    private static DecisionLogRecord Decision(string id, string customer, int minute, params string[] chosen)
    {
        LoggedCandidate Candidate(string actionId, string kind, double affinity) =>
            new(actionId, kind, 0.2, 1, 10, 1, 2, new Dictionary<string, double> { ["action.affinity"] = affinity });

        return new DecisionLogRecord(id, customer, SyntheticHistory.Start.AddMinutes(minute), "checkout", "web", false, "prior-v2", "test-1", "greedy", [],
            new Dictionary<string, double> { ["cart.value"] = 120.5, ["orders.count"] = 3 },
            new Arbitration(null, 0, 0, "none"),
            [Candidate("bundle-a", ActionKinds.Bundle, 0.7), Candidate("service-b", ActionKinds.Service, 0)],
            [.. chosen.Select((a, i) => new LoggedChoice(a, i + 1, 1))], 0);
    }

    private static void Outcome(TrainingSetBuilder builder, string decisionId, string actionId, string type) =>
        builder.AddOutcome(SyntheticHistory.OutcomeEvent(decisionId, actionId, type, SyntheticHistory.Start), "test");

    [Fact]
    public void Build_OneExamplePerChosenAction_LabelledByOfferAccepted()
    {
        var builder = new TrainingSetBuilder(Features);
        Outcome(builder, "d1", "bundle-a", EventTypes.OfferAccepted);
        Outcome(builder, "d1", "service-b", EventTypes.OfferDeclined);
        Outcome(builder, "d2", "bundle-a", EventTypes.OfferIgnored);
        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d1", 0, "bundle-a", "service-b")), "test");
        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d2", 1, "bundle-a")), "test");
        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d3", 2, "service-b")), "test");

        var set = builder.Build(holdoutFraction: 0.34);

        var all = set.Training.Concat(set.Validation).ToList();
        Assert.Equal([("d1", "bundle-a", true), ("d1", "service-b", false), ("d2", "bundle-a", false), ("d3", "service-b", false)],
            all.Select(e => (e.DecisionId, e.ActionId, e.Accepted)));
        Assert.Equal([120.5f, 0.7f, 1f, 3f], all[0].Features);
        Assert.Equal([120.5f, 0f, 0f, 3f], all[1].Features);
        Assert.Equal(0.2, all[0].LoggedPropensity);
        Assert.Equal((1, 1, 1), (set.Counts.Accepted, set.Counts.Declined, set.Counts.Ignored));
        Assert.Equal((3, 4, 1), (set.Counts.Decisions, set.Counts.Rows, set.Counts.Positives));
    }

    [Fact]
    public void Build_HoldsOutTheLatestDecisionsWhole()
    {
        var builder = new TrainingSetBuilder(Features);
        // Logged out of order; the two-choice decision is the latest and stays whole.
        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d3", 30, "bundle-a", "service-b")), "test");
        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d1", 10, "bundle-a")), "test");
        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d2", 20, "bundle-a")), "test");

        var set = builder.Build(holdoutFraction: 0.3);

        Assert.Equal(["d1", "d2"], set.Training.Select(e => e.DecisionId));
        Assert.Equal(["d3", "d3"], set.Validation.Select(e => e.DecisionId));
        Assert.Equal(SyntheticHistory.Start.AddMinutes(30), set.ValidationFrom);
        Assert.Equal((SyntheticHistory.Start.AddMinutes(10), SyntheticHistory.Start.AddMinutes(30)), (set.From!.Value, set.To!.Value));
    }

    [Fact]
    public void Build_RedeliveredDecision_CountsOnce()
    {
        var builder = new TrainingSetBuilder(Features);
        var json = SyntheticHistory.DecisionEvent(Decision("d1", 0, "bundle-a"));

        builder.AddDecision(json, "test");
        builder.AddDecision(json, "test");

        var set = builder.Build(0.5);
        Assert.Equal((1, 1, 1), (set.Counts.Rows, set.Counts.Decisions, set.Counts.DuplicateDecisions));
    }

    [Fact]
    public void Build_UnreadableOrForeignEvents_SkippedAndCounted()
    {
        var builder = new TrainingSetBuilder(Features);

        builder.AddDecision("not json"u8.ToArray(), "decisions.jsonl:1");
        builder.AddDecision("""{"specversion":"1.0","id":"x","type":"page.viewed","data":{}}"""u8.ToArray(), "decisions.jsonl:2");
        builder.AddDecision("""{"specversion":"1.0","id":"x","type":"decision.logged","data":{"decisionId":"d9"}}"""u8.ToArray(), "decisions.jsonl:3");
        builder.AddOutcome("""{"specversion":"1.0","id":"y","type":"offer.accepted","data":{"actionId":"bundle-a"}}"""u8.ToArray(), "outcomes.jsonl:1");

        var counts = builder.Build(0.5).Counts;
        Assert.Equal((3, 1), (counts.UnreadableEvents, counts.OtherEvents));
        Assert.StartsWith("decisions.jsonl:1: not valid JSON", counts.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("decisions.jsonl:3: data is not a decision-log record", counts.Problems[1], StringComparison.Ordinal);
        Assert.Equal("outcomes.jsonl:1: offer.accepted cannot be joined: data.decisionId is required", counts.Problems[2]);
    }

    [Fact]
    public void Build_FeatureMissingFromTheLog_TakenAsZeroAndCounted()
    {
        var builder = new TrainingSetBuilder([.. Features, "churn.risk"]);

        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d1", 0, "bundle-a")), "test");

        var set = builder.Build(0.5);
        Assert.Equal(0f, set.Training.Concat(set.Validation).Single().Features[4]);
        Assert.Equal(1, set.Counts.MissingFeatureValues["churn.risk"]);
    }

    [Fact]
    public void Build_AcceptanceForAnUnloggedDecision_Counted()
    {
        var builder = new TrainingSetBuilder(Features);
        Outcome(builder, "d-elsewhere", "bundle-a", EventTypes.OfferAccepted);
        builder.AddDecision(SyntheticHistory.DecisionEvent(Decision("d1", 0, "bundle-a")), "test");

        Assert.Equal(1, builder.Build(0.5).Counts.AcceptedWithoutDecision);
    }

    [Fact]
    public void ModelFeatures_All_CoversEveryLoggedAttribute()
    {
        Assert.Subset(ModelFeatures.All.ToHashSet(), DecisionAttributes.Numeric.Select(a => a.Name).ToHashSet());
    }

    [Fact]
    public void SealedRecords_OpenWithTheirCustomersKeys_AndThoseOfErasedCustomersAreSkippedAsShredded()
    {
        var keys = new Dictionary<string, byte[]> { ["subject-kept"] = Key(1) };
        var builder = new TrainingSetBuilder(Features, new DictionaryAccess(keys));
        Outcome(builder, "d1", "bundle-a", EventTypes.OfferAccepted);

        builder.AddDecision(DecisionLogEvents.SerializeSealed(Decision("d1", "kept", 0, "bundle-a"), "subject-kept", Key(1)), "test");
        builder.AddDecision(DecisionLogEvents.SerializeSealed(Decision("d2", "erased", 1, "bundle-a"), "subject-erased", Key(2)), "test");
        builder.AddDecision(DecisionLogEvents.SerializeSealed(Decision("d3", "kept", 2, "service-b"), "subject-kept", Key(1)), "test");

        var set = builder.Build(holdoutFraction: 0.34);

        Assert.Equal(["d1", "d3"], set.Training.Concat(set.Validation).Select(e => e.DecisionId));
        Assert.Equal([120.5f, 0.7f, 1f, 3f], set.Training[0].Features);
        Assert.True(set.Training[0].Accepted);
        Assert.Equal((2, 1L, 0L), (set.Counts.Decisions, set.Counts.ShreddedDecisions, set.Counts.UnreadableEvents));
    }

    [Fact]
    public void DecisionsOfObjectingCustomers_AreWithheld()
    {
        var keys = new Dictionary<string, byte[]> { ["s-1"] = Key(1), ["s-2"] = Key(2) };
        var builder = new TrainingSetBuilder(Features, new DictionaryAccess(keys, "objects"));

        builder.AddDecision(DecisionLogEvents.SerializeSealed(Decision("d1", "objects", 0, "bundle-a"), "s-1", Key(1)), "test");
        builder.AddDecision(DecisionLogEvents.SerializeSealed(Decision("d2", "agrees", 1, "bundle-a"), "s-2", Key(2)), "test");

        var set = builder.Build(holdoutFraction: 0);
        Assert.Equal(["d2"], set.Training.Select(e => e.DecisionId));
        Assert.Equal((1L, 0L), (set.Counts.WithheldDecisions, set.Counts.ShreddedDecisions));
    }

    [Fact]
    public void SealedRecord_WithoutAKeySource_IsUnreadable_AndSaysWhatToPass()
    {
        var builder = new TrainingSetBuilder(Features);

        builder.AddDecision(DecisionLogEvents.SerializeSealed(Decision("d1", "c-1", 0, "bundle-a"), "subject-1", Key(1)), "decisions.jsonl:1");

        var set = builder.Build(holdoutFraction: 0);
        Assert.Equal(1, set.Counts.UnreadableEvents);
        Assert.Contains("--redis", Assert.Single(set.Counts.Problems), StringComparison.Ordinal);
    }

    private static byte[] Key(byte seed) => [.. Enumerable.Repeat(seed, DecisionLogSealing.KeyBytes)];

    private sealed class DictionaryAccess(Dictionary<string, byte[]> keys, params string[] objecting) : IDecisionLogAccess
    {
        public byte[]? KeyOf(string subject) => keys.GetValueOrDefault(subject);

        public string? Withheld(string customerId) => objecting.Contains(customerId) ? "objection" : null;
    }
}
