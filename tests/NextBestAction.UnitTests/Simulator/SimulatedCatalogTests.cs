using NextBestAction.Contracts;
using NextBestAction.Simulator;

namespace NextBestAction.UnitTests.Simulator;

public sealed class SimulatedCatalogTests
{
    [Fact]
    public void ProductLines_AreTheBundleLinesOfTheActionCatalog()
    {
        string[] expected =
        [
            "phones/galaxy-s", "phones/iphone", "phones/pixel", "laptops/macbook-air", "laptops/thinkpad-x1",
            "headphones/airpods", "headphones/sony-wh", "kitchen/nespresso-vertuo", "kitchen/airfryer-xl",
            "toys/lego-technic", "fashion-men/socks-men", "baby/baby-care",
        ];

        Assert.Equal(expected, SimulatedCatalog.ProductLines.Select(l => $"{l.Category}/{l.Name}"));
    }

    [Fact]
    public void ProductLines_HoldThreeOrFourPricedProductsNamedAfterTheLine()
    {
        Assert.All(SimulatedCatalog.ProductLines, line =>
        {
            Assert.InRange(line.Products.Count, 3, 4);
            Assert.NotEmpty(line.SearchTerms);
            Assert.All(line.Products, p =>
            {
                Assert.StartsWith($"p-{line.Name}-", p.Id, StringComparison.Ordinal);
                Assert.True(Identifiers.IsValid(p.Id));
                Assert.Equal(line.Category, p.Category);
                Assert.Equal(line.Name, p.ProductLine);
                Assert.InRange(p.ListPrice, 5m, 5000m);
            });
        });
    }

    [Fact]
    public void Products_IdsAreUniqueAndSuccessorsExistInTheSameLine()
    {
        var byId = SimulatedCatalog.Products.ToDictionary(p => p.Id, StringComparer.Ordinal);

        Assert.Contains("p-galaxy-s-25", byId.Keys);
        Assert.All(SimulatedCatalog.Products.Where(p => p.SuccessorId is not null),
            p => Assert.Equal(p.ProductLine, byId[p.SuccessorId!].ProductLine));
    }

    [Fact]
    public void Id_CustomerNumber_IsZeroPaddedToFiveDigits()
    {
        Assert.Equal("cust-00001", SimulatedCustomers.Id(1));
        Assert.Equal("cust-02000", SimulatedCustomers.Id(2000));
        Assert.Equal("cust-1000000", SimulatedCustomers.Id(1_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedCustomers.Id(0));
    }
}
