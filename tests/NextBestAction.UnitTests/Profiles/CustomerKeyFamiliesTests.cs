using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Profiles;

public sealed class CustomerKeyFamiliesTests
{
    private static readonly ProfileKeys Keys = new("nba");

    [Fact]
    public void KeysBuiltByProfileKeys_MatchTheirFamilyAndCustomer()
    {
        Assert.Equal(("profile", "cust-1"), Matched(Keys.Profile("cust-1")));
        Assert.Equal(("bookkeeping", "cust-1"), Matched(Keys.Bookkeeping("cust-1")));
        Assert.Equal(("temporary", "cust-1"), Matched(Keys.Temporary("cust-1")));
        Assert.Equal(("version", "cust-1"), Matched(Keys.Version("cust-1")));
        Assert.Equal(("contacts", "a:b@c.d"), Matched(Keys.Contacts("a:b@c.d")));
        Assert.Equal(("decisions", "cust-1"), Matched(Keys.Decisions("cust-1")));
        Assert.Equal(("decision-owner", null), Matched(Keys.DecisionOwner("0193")));
        Assert.Equal(("release1-decision", null), Matched(Keys.Release1Decision("0193")));
        Assert.Equal(("offer-stats", null), Matched(Keys.OfferStatistics(new DateOnly(2026, 12, 4))));
    }

    [Theory]
    [InlineData("nba:{cust-1}:ntf:00ff00ff00ff00ff", "notification-claims", "cust-1")]
    [InlineData("nba:{cust-1}:ntfday:2026-12-03", "notification-day-caps", "cust-1")]
    [InlineData("nba:{cust-1}:ntfweek:2026-W49", "notification-week-caps", "cust-1")]
    [InlineData("nba:{prod-7#03}:wishlist", "product-wishlists", null)]
    [InlineData("nba:{prod-7#03}:buyers", "product-buyers", null)]
    [InlineData("nba:notify:schedule", "notification-schedule", null)]
    [InlineData("nba:notify:fanout:lock:job-1", "fanout-jobs", null)]
    [InlineData("nba:{kpi}:engaged:2026-12-03", "kpi", null)]
    [InlineData("nba:adaptive", "adaptive", null)]
    [InlineData("nba:catalog:live", "catalog-publications", null)]
    [InlineData("nba:catalog:published", "catalog-publications", null)]
    public void StoredKeys_MatchTheirFamily(string key, string family, string? customer) =>
        Assert.Equal((family, customer), Matched(key));

    [Theory]
    [InlineData("nba:{cust-1}:unknown")]
    [InlineData("other:{cust-1}:profile")]
    [InlineData("nba:stray")]
    public void UnlistedKeys_MatchNothing(string key) => Assert.Null(CustomerKeyFamilies.Match("nba", key));

    [Fact]
    public void EveryFamily_SaysItsRetentionAndWriter_AndSharedOnesHowACustomerIsFound()
    {
        Assert.Equal(CustomerKeyFamilies.All.Count, CustomerKeyFamilies.All.Select(f => f.Name).Distinct().Count());
        Assert.All(CustomerKeyFamilies.All, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Retention), f.Name);
            Assert.False(string.IsNullOrWhiteSpace(f.WrittenBy), f.Name);
            Assert.Equal(f.Scope == KeyScope.Shared, !string.IsNullOrWhiteSpace(f.FindingACustomer));
            Assert.Equal(f.Scope == KeyScope.Customer, f.Pattern.StartsWith("{customer}:", StringComparison.Ordinal));
        });
    }

    private static (string Family, string? Customer)? Matched(string key) =>
        CustomerKeyFamilies.Match("nba", key) is { } m ? (m.Family.Name, m.CustomerId) : null;
}
