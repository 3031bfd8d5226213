using NextBestAction.Contracts;
using NextBestAction.Simulator;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.UnitTests.Simulator;

public sealed class CustomerTraitsTests
{
    private static readonly string[] Favourites = ["iphone", "airpods"];

    [Fact]
    public void Draw_SameSeedAndCustomer_SameTraits()
    {
        var first = CustomerTraits.Draw(42, "cust-00007", Favourites, 0.3);
        var second = CustomerTraits.Draw(42, "cust-00007", Favourites, 0.3);

        Assert.Equal(Scalars(first), Scalars(second));
        Assert.Equal(first.Tastes.OrderBy(t => t.Key, StringComparer.Ordinal), second.Tastes.OrderBy(t => t.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Draw_OtherCustomersOrSeed_OtherTraits()
    {
        var traits = Enumerable.Range(1, 200).Select(n => CustomerTraits.Draw(42, SimulatedCustomers.Id(n), Favourites, 0.5)).ToList();
        var otherSeed = CustomerTraits.Draw(43, "cust-00001", Favourites, 0.5);

        Assert.Equal(200, traits.Select(Scalars).Distinct().Count());
        Assert.True(traits.Select(t => t.PriceSensitivity).Distinct().Count() > 190);
        Assert.NotEqual(Scalars(traits[0]), Scalars(otherSeed));
        // Spread over the range, not clumped: a population to learn from.
        Assert.True(traits.Max(t => t.ServiceSensitivity) - traits.Min(t => t.ServiceSensitivity) > 0.6);
        Assert.True(traits.Max(t => t.Seasonality) - traits.Min(t => t.Seasonality) > 0.8);
    }

    [Fact]
    public void Draw_AnyInput_TraitsWithinTheirRanges()
    {
        var lines = SimulatedCatalog.ProductLines.Select(l => l.Name).ToArray();
        for (var n = 1; n <= 500; n++)
        {
            var traits = CustomerTraits.Draw((ulong)n * 7919, SimulatedCustomers.Id(n), lines.Skip(n % 12).Take(n % 4).ToArray(), (n % 11) / 10.0);

            Assert.InRange(traits.PriceSensitivity, 0, 1);
            Assert.InRange(traits.ServiceSensitivity, 0, 1);
            Assert.InRange(traits.Seasonality, 0, 1);
            Assert.InRange(traits.Receptiveness, 0, 1);
            Assert.InRange(traits.ChurnHazard, CustomerTraits.MinChurnHazard, CustomerTraits.MaxChurnHazard);
            Assert.Equal(lines.Order(StringComparer.Ordinal), traits.Tastes.Keys.Order(StringComparer.Ordinal));
            Assert.All(traits.Tastes.Values, t => Assert.InRange(t, 0, 1));
        }
    }

    [Fact]
    public void Draw_FavouriteLines_TasteHigherThanTheRest()
    {
        for (var n = 1; n <= 100; n++)
        {
            var traits = CustomerTraits.Draw(1, SimulatedCustomers.Id(n), Favourites, 0.5);

            Assert.All(Favourites, f => Assert.True(traits.TasteFor(f) >= 0.55, $"{traits.CustomerId} {f} {traits.TasteFor(f)}"));
            Assert.True(traits.Tastes.Where(t => !Favourites.Contains(t.Key)).Average(t => t.Value) < 0.3);
        }

        Assert.Equal(CustomerTraits.UnknownLineTaste, CustomerTraits.Draw(1, "cust-00001", Favourites, 0.5).TasteFor("not-a-line"));
        Assert.Equal(CustomerTraits.UnknownLineTaste, CustomerTraits.Draw(1, "cust-00001", Favourites, 0.5).TasteFor(null));
    }

    [Fact]
    public void Draw_CheapFavouritesAndLowResponsiveness_LeanPriceSensitiveAndChurnier()
    {
        var cheap = Population(["socks-men"], 0.5);
        var expensive = Population(["thinkpad-x1"], 0.5);
        var responsive = Population(Favourites, 1.0);
        var unresponsive = Population(Favourites, 0.0);

        Assert.True(cheap.Average(t => t.PriceSensitivity) > expensive.Average(t => t.PriceSensitivity) + 0.2);
        Assert.True(unresponsive.Average(t => t.ChurnHazard) > responsive.Average(t => t.ChurnHazard) * 1.5);
        Assert.True(responsive.Average(t => t.Receptiveness) > unresponsive.Average(t => t.Receptiveness) + 0.3);
    }

    [Fact]
    public void TraitsOf_SameSeed_SameTraitsAndTastesFollowWhatTheCustomerBrowses()
    {
        var (model, views) = Play(seed: 5);
        var (again, _) = Play(seed: 5);
        var (otherSeed, _) = Play(seed: 6);

        Assert.Null(model.TraitsOf("cust-99999"));
        Assert.Null(model.TraitsOf("not-a-customer"));
        var browsers = views.Where(v => v.Value.Count >= 30).Select(v => v.Key).ToList();
        Assert.True(browsers.Count >= 20, $"only {browsers.Count} customers with 30 views");
        foreach (var customerId in browsers)
        {
            var traits = model.TraitsOf(customerId)!;
            Assert.Equal(Scalars(traits), Scalars(again.TraitsOf(customerId)!));
        }

        Assert.DoesNotContain(browsers, c => otherSeed.TraitsOf(c) is { } other && Scalars(other) == Scalars(model.TraitsOf(c)!));

        // The line a customer views most is, nearly always, one the customer has a taste for: behaviour carries signal.
        var topLineTastes = browsers.Select(c => model.TraitsOf(c)!.TasteFor(views[c].GroupBy(l => l).MaxBy(g => g.Count())!.Key)).ToList();
        Assert.True(topLineTastes.Count(t => t >= 0.55) >= 0.9 * topLineTastes.Count, string.Join(", ", topLineTastes));
    }

    private static (double, double, double, double, double) Scalars(CustomerTraits t) =>
        (t.PriceSensitivity, t.ServiceSensitivity, t.Seasonality, t.ChurnHazard, t.Receptiveness);

    private static List<CustomerTraits> Population(string[] favourites, double responsiveness) =>
        [.. Enumerable.Range(1, 400).Select(n => CustomerTraits.Draw(9, SimulatedCustomers.Id(n), favourites, responsiveness))];

    private static (WebshopModel Model, Dictionary<string, List<string>> ViewedLines) Play(int seed)
    {
        var model = new WebshopModel(300, new Random(seed), "traits");
        var views = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < 30_000; i++)
        {
            var e = model.Next(SimulatedRun.June + TimeSpan.FromMilliseconds(20 * i));
            if (e.Data is ProductViewedData viewed)
            {
                (views.TryGetValue(e.Subject, out var lines) ? lines : views[e.Subject] = []).Add(viewed.ProductLine!);
            }
        }

        return (model, views);
    }
}
