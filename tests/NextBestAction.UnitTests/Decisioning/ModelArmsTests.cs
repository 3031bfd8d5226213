using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

/// <summary>Champion and challenger: the shadow never changes what is shown, the traffic split is stable, the shadow is a distribution.</summary>
public sealed class ModelArmsTests
{
    private static readonly NextBestAction.Decisioning.Catalog.ActionCatalog Catalog = TestCatalog.Load();

    private static DecisionInput Input(ulong seed, bool debug = false, bool holdout = false) =>
        new(new CustomerProfile { CustomerId = "cust-1" }, ContactHistory.Empty, "checkout", "web",
            [new EngineCartItem("p-1", "phones", "galaxy-s", 799m, 1), new EngineCartItem("p-2", "phones", "iphone", 799m, 1)],
            TestEvents.Now, MaxActions: 2, Debug: debug, ExplorationSeed: seed, Holdout: holdout);

    private static DecisionEngine EngineOver(IPropensityModel model, IExplorationPolicy policy) => new(model, policy, ProfileRules.Default);

    private static ModelArms Arms(IExplorationPolicy policy, double share = 0) =>
        new(EngineOver(new PriorPropensityModel(), policy), model => EngineOver(model, policy), share);

    /// <summary>What the webshop gets, as JSON: everything of the response but the ids.</summary>
    private static string Picks(EngineDecision decision) =>
        string.Join(", ", decision.Picks.Select(p => FormattableString.Invariant($"{p.Candidate.Action.Id} {p.Probability} {p.Candidate.Score}")));

    private static string Response(EngineDecision decision) => JsonSerializer.Serialize(
        new DecisionResponse("d-1", "cust-1", decision.Actions, false, decision.ModelVersion, Catalog.Version) { Arbitration = decision.Arbitration, Debug = decision.Debug },
        DecisionJsonContext.Default.DecisionResponse);

    private static DecisionLogRecord Logged(ArmedDecision armed) => DecisionLogPublisher.ToRecord(
        new ServedDecision("d-1", "cust-1", "checkout", "web", [], armed.Served, false, armed.Served.ModelVersion, Catalog.Version, "p", TestEvents.Now)
        {
            Group = armed.Group,
            Shadow = armed.Shadow,
        });

    private static string Json(DecisionLogRecord record) => JsonSerializer.Serialize(record, DecisionLogJsonContext.Default.DecisionLogRecord);

    [Fact]
    public void Shadow_NeverChangesTheResponse_ThePicks_OrTheLoggedChampionFields()
    {
        var shadowDiffered = false;
        for (ulong seed = 0; seed < 100; seed++)
        {
            var arms = Arms(new EpsilonGreedyPolicy(0.3));
            var alone = arms.Decide(Input(seed, debug: true), Catalog, "cust-1", challengerModel: null, withShadow: true);
            var beside = arms.Decide(Input(seed, debug: true), Catalog, "cust-1", new InvertedPrior(), withShadow: true);

            Assert.Null(alone.Shadow);
            Assert.NotNull(beside.Shadow);
            Assert.Equal(DecisionGroups.Treatment, beside.Group);
            Assert.Equal(Response(alone.Served), Response(beside.Served));
            Assert.Equal(alone.Served.Picks.Select(p => (p.Candidate.Action.Id, p.Probability)), beside.Served.Picks.Select(p => (p.Candidate.Action.Id, p.Probability)));
            var logged = Logged(beside);
            Assert.Equal(Json(Logged(alone)), Json(logged with { Shadow = null }));
            Assert.Equal(InvertedPrior.Name, logged.Shadow!.ModelVersion);
            shadowDiffered |= logged.Shadow.Chosen[0].ActionId != logged.Chosen[0].ActionId;
        }

        // Guards the test: a challenger that always agreed would prove nothing.
        Assert.True(shadowDiffered, "the inverted prior never chose differently from the prior");
    }

    [Fact]
    public void Shadow_FirstSlotProbabilitiesSumToOne_AndItsPicksCarryTheirProbabilities()
    {
        var policy = new EpsilonGreedyPolicy(0.2);
        for (ulong seed = 0; seed < 50; seed++)
        {
            var armed = Arms(policy).Decide(Input(seed), Catalog, "cust-1", new InvertedPrior(), withShadow: true);
            var shadow = DecisionLogEvents.ToShadow(armed.Shadow!);

            Assert.Equal(1.0, shadow.Candidates.Sum(c => c.Probability), 12);
            Assert.Equal(armed.Served.Candidates.Select(c => c.Action.Id).Order(StringComparer.Ordinal), shadow.Candidates.Select(c => c.ActionId).Order(StringComparer.Ordinal));
            Assert.Equal(armed.Shadow!.Picks.Select(p => p.Probability), shadow.Chosen.Select(c => c.Probability));
            // Same seed, same policy: the challenger alone would have decided exactly the shadow.
            var alone = EngineOver(new InvertedPrior(), policy).Decide(Input(seed), Catalog);
            Assert.Equal(alone.Picks.Select(p => p.Candidate.Action.Id), shadow.Chosen.Select(c => c.ActionId));
        }
    }

    [Fact]
    public void TrafficShare_ServesAStableShareOfCustomers_ByTheChallengersVersion()
    {
        var arms = Arms(new GreedyPolicy(), share: 0.2);
        var customers = Enumerable.Range(0, 20_000).Select(i => $"cust-{i:D5}").ToList();

        var served = customers.Where(c => arms.ServesChallenger(c, "v2")).ToList();

        Assert.Equal(served, customers.Where(c => Arms(new GreedyPolicy(), share: 0.2).ServesChallenger(c, "v2")));
        Assert.InRange(served.Count, 3_700, 4_300);
        var nextChallenger = customers.Where(c => arms.ServesChallenger(c, "v3")).ToHashSet();
        Assert.InRange(served.Count(nextChallenger.Contains), 600, 1_000);
        Assert.DoesNotContain(customers, c => Arms(new GreedyPolicy(), share: 0).ServesChallenger(c, "v2"));
    }

    [Fact]
    public void TrafficShare_TheChallengersCustomersGetItsDecision_WithTheChampionAsShadow()
    {
        var arms = Arms(new GreedyPolicy(), share: 0.5);
        var customers = Enumerable.Range(0, 200).Select(i => $"cust-{i}").ToList();
        var challengerCustomer = customers.First(c => arms.ServesChallenger(c, InvertedPrior.Name));
        var championCustomer = customers.First(c => !arms.ServesChallenger(c, InvertedPrior.Name));

        var toChallenger = arms.Decide(Input(1), Catalog, challengerCustomer, new InvertedPrior(), withShadow: true);
        var toChampion = arms.Decide(Input(1), Catalog, championCustomer, new InvertedPrior(), withShadow: true);

        Assert.Equal((DecisionGroups.Challenger, InvertedPrior.Name), (toChallenger.Group, toChallenger.Served.ModelVersion));
        Assert.Equal(new PriorPropensityModel().Version, toChallenger.Shadow!.ModelVersion);
        Assert.Equal((DecisionGroups.Treatment, new PriorPropensityModel().Version), (toChampion.Group, toChampion.Served.ModelVersion));
        Assert.Equal(Picks(toChampion.Shadow!), Picks(toChallenger.Served));
        Assert.Equal(Picks(toChallenger.Shadow!), Picks(toChampion.Served));
        // The shadow is only logged: its picks come without explanations, the served decision's with them.
        Assert.Empty(toChallenger.Shadow!.Actions);
        Assert.NotEmpty(toChallenger.Served.Actions);
    }

    [Fact]
    public void HoldoutAndDryRun_GetNoShadow()
    {
        var arms = Arms(new GreedyPolicy());

        var control = arms.Decide(Input(1, holdout: true), Catalog, "cust-1", new InvertedPrior(), withShadow: true);
        var dryRun = arms.Decide(Input(1), Catalog, "cust-1", new InvertedPrior(), withShadow: false);

        Assert.Equal((DecisionGroups.Control, (EngineDecision?)null), (control.Group, control.Shadow));
        Assert.Null(dryRun.Shadow);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(0.51)]
    public void ChallengerTrafficShare_OutOfRange_IsRefusedNamingTheSetting(double share)
    {
        var options = new ModelOptions { ChallengerTrafficShare = share };
        var problems = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true));
        Assert.Equal("Models:ChallengerTrafficShare must be between 0 and 0.5.", Assert.Single(problems).ErrorMessage);
    }

    /// <summary>A challenger that ranks within each family the other way round from the prior: it favours the actions the prior ranks last.</summary>
    private sealed class InvertedPrior : IPropensityModel
    {
        public const string Name = "inverted-prior";

        public string Version => Name;

        public double Predict(RuleScope scope, List<FeatureContribution>? contributions)
        {
            var propensity = scope.Action.Id is "bundle-galaxy-s" or "service-apology" ? 0.9 : 0.01;
            if (contributions is not null)
            {
                contributions.Clear();
                contributions.Add(new FeatureContribution("baseline", propensity));
            }

            return propensity;
        }
    }
}
