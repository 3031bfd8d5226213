using System.Globalization;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Decisioning;

/// <summary>
/// The hand-written prior is the yardstick the simulator's scenarios measure learning against: it stays as it is and
/// must not be tuned to them. Its propensities for a spread of customers are pinned here; a change to the prior has to
/// change this test too, on purpose, with a new version name.
/// </summary>
public sealed class PriorIsPinnedTests
{
    private static readonly DateTimeOffset Now = TestEvents.Now;

    public static TheoryData<string, string> Customers => new()
    {
        { "calm", "bundle-galaxy-s=0.4725|service-advisor=0.1" },
        { "interested", "bundle-galaxy-s=0.6725|service-advisor=0.29|service-apology=0.29" },
        { "troubled", "service-advisor=0.45|service-apology=0.45" },
    };

    [Theory]
    [MemberData(nameof(Customers))]
    public void Prior_V2_GivesThePinnedPropensities(string customer, string expected)
    {
        var model = new PriorPropensityModel();
        var decision = new DecisionEngine(model, new GreedyPolicy(), ProfileRules.Default)
            .Decide(new DecisionInput(Profile(customer), ContactHistory.Empty, "checkout", "web",
                [new EngineCartItem("p-1", "phones", "galaxy-s", 799m, 1)], Now, 3), TestCatalog.Load());

        Assert.Equal("prior-v2", model.Version);
        Assert.Equal(expected, string.Join("|", decision.Candidates.OrderBy(c => c.Action.Id, StringComparer.Ordinal)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Action.Id}={Math.Round(c.Propensity, 6)}"))));
    }

    private static CustomerProfile Profile(string customer)
    {
        var profile = new CustomerProfile { CustomerId = $"cust-{customer}" };
        switch (customer)
        {
            case "interested":
                profile.ProductLineInterest["galaxy-s"] = new DecayingScore(12, Now.AddDays(-1));
                profile.BrokenPromises.Add(new BrokenPromise("o-1", Now.AddDays(-40), Now.AddDays(-38)));
                break;
            case "troubled":
                profile.OpenOrders.Add(new OpenOrder("o-2", Now.AddDays(-3), Now.AddHours(-5), 100m, ["iphone"]));
                break;
        }

        return profile;
    }
}
