using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Serving;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.OperatorConsole.Components.Pages;
using NextBestAction.OperatorConsole.Offers;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The Offers screen in a real headless Chromium against the decision API on Kestrel and a real Redis: decisions made
/// through <c>POST /v1/decisions</c> and an acceptance reported through the outcome route, so the statistics on the
/// screen are the ones the real serving path wrote; reached from the console's navigation.
/// </summary>
public sealed class ConsoleOffersBrowserTests(KafkaFixture kafka, RedisServerFixture redis) : ConsoleBrowserTest(kafka, redis)
{
    /// <summary>The carts of the decisions made: several of one product line, so one action is shown more than once.</summary>
    private static readonly string[] ProductLines = ["galaxy-s", "galaxy-s", "galaxy-s", "galaxy-s", "iphone", "iphone", "pixel", "macbook-air"];

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;


    [Fact]
    public async Task Offers_ShowTheImpressionsAndAcceptancesTheApiServed_WithCharts()
    {
        var console = new Uri(Factory.BaseAddress, "/console");
        using var webshop = Factory.CreateClient();
        webshop.DefaultRequestHeaders.Add("X-Api-Key", NbaServerFactory.WebshopKey);
        var decisions = new List<DecisionDto>();
        for (var i = 0; i < ProductLines.Length; i++)
        {
            decisions.Add(await OfferTraffic.DecideAsync(webshop, OfferTraffic.Request($"cust-{Factory.Suffix}-offers-{i}", productLine: ProductLines[i])));
        }

        Assert.All(decisions, d => Assert.NotEmpty(d.Actions));
        await OfferTraffic.TodayOnceWrittenAsync(Factory.Services, decisions.Count);
        DecisionDto[] accepted = [decisions[0], decisions[4]];
        foreach (var decision in accepted)
        {
            await OfferTraffic.AcceptAsync(webshop, decision);
        }

        var actionId = decisions[0].Actions[0].ActionId;
        var expected = new Expected(
            decisions.Count(d => d.Actions[0].ActionId == actionId),
            accepted.Count(d => d.Actions[0].ActionId == actionId),
            accepted.Where(d => d.Actions[0].ActionId == actionId).Sum(d => d.Actions[0].Value));

        Browser.GoTo(console);
        Browser.SignIn(NbaServerFactory.AllScopesKey, landsOn: "console-nav");
        Browser.Driver.FindElement(By.Id("nav-offers")).SendKeys(Keys.Enter);
        Browser.WaitFor("offers-table");

        Assert.Equal("/console/offers", new Uri(Browser.Driver.Url).AbsolutePath);
        Assert.Equal("page", Browser.Driver.FindElement(By.Id("nav-offers")).GetAttribute("aria-current"));
        Assert.Equal("7", new SelectElement(Browser.Driver.FindElement(By.Id("offers-window"))).SelectedOption.GetAttribute("value"));
        AssertFigures(actionId, expected);
        Assert.Equal(decisions.Count.ToString(Invariant),
            Browser.Driver.FindElement(By.Id("policy-decisions-" + DecisionGroups.Treatment)).Text.Split(' ')[0]);
        // No holdout configured: nothing to compare the treatment with.
        Assert.Equal(OffersPage.NotEnoughData, Browser.Driver.FindElement(By.Id("policy-uplift")).Text);
        Assert.Equal(OffersPage.NotEnoughData, Browser.Driver.FindElement(By.Id("offer-uplift-" + actionId)).Text);
        Assert.NotEmpty(Browser.Driver.FindElements(By.CssSelector("#offers-chart-impressions svg rect, #offers-chart-impressions svg path")));
        Assert.NotEmpty(Browser.Driver.FindElements(By.CssSelector("#offers-chart-acceptance svg")));
        // Every catalog action has its row, shown or not.
        var catalog = Factory.Services.GetRequiredService<CatalogProvider>().Current;
        Assert.Equal(catalog.Actions.Count, Browser.Driver.FindElements(By.CssSelector("#offers-table tbody tr")).Count);
        Browser.Screenshot("console-offers");
        // The docs show the charts as well, below the policy's figures (and the fixed app bar, 64 px).
        ((IJavaScriptExecutor)Browser.Driver).ExecuteScript(
            "arguments[0].scrollIntoView(); window.scrollBy(0, -72)", Browser.Driver.FindElement(By.Id("offers-chart-impressions")));
        Browser.Screenshot("console-offers-charts");

        // Today only: the same figures, the window named in the address.
        new SelectElement(Browser.Driver.FindElement(By.Id("offers-window"))).SelectByValue("1");
        Browser.Driver.FindElement(By.Id("offers-window-apply")).Click();
        new WebDriverWait(Browser.Driver, TimeSpan.FromSeconds(30)).Until(d => new Uri(d.Url).Query == "?days=1");
        Browser.WaitFor("offers-table");
        Assert.Equal("1", new SelectElement(Browser.Driver.FindElement(By.Id("offers-window"))).SelectedOption.GetAttribute("value"));
        AssertFigures(actionId, expected);

        // On a phone the page keeps to the screen's width; the table scrolls sideways in its own container.
        Browser.Driver.Manage().Window.Size = new System.Drawing.Size(390, 844);
        Browser.Driver.Navigate().Refresh();
        Browser.WaitFor("offers-table");
        var script = (IJavaScriptExecutor)Browser.Driver;
        Assert.True((bool)script.ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth")!, "the page is wider than the phone");
        Assert.True((bool)script.ExecuteScript(
            "const c = document.getElementById('offers-table-scroll'); return c.scrollWidth > c.clientWidth")!, "the table does not scroll in its container");
        Browser.Screenshot("console-offers-phone");
        Assert.Empty(Browser.ConsoleErrors());
    }

    [Fact]
    public async Task Offers_WithAHoldout_ShowTheUpliftWithItsInterval()
    {
        // Sums as a service with a holdout leaves them after a day: two actions, each shown to both groups.
        var store = Factory.ProfileStore;
        var key = store.Keys.OfferStatistics(OfferStatisticsStore.DayOf(Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow()));
        HashEntry[] sums =
        [
            new("d:treatment", 900), new("d:control", 300),
            .. Counts(DecisionGroups.Treatment, "bundle-galaxy-s", impressions: 500, explored: 25, accepted: 60, value: 24),
            .. Counts(DecisionGroups.Control, "bundle-galaxy-s", impressions: 150, explored: 0, accepted: 12, value: 24),
            .. Counts(DecisionGroups.Treatment, "service-priority-callback", impressions: 300, explored: 30, accepted: 30, value: 15),
            .. Counts(DecisionGroups.Control, "service-priority-callback", impressions: 120, explored: 0, accepted: 15, value: 15),
        ];
        await store.Database.HashSetAsync(key, sums);
        var policy = OfferFigures.Uplift((900, (60 * 24) + (30 * 15), (60 * 24 * 24) + (30 * 15 * 15)), (300, (12 * 24) + (15 * 15), (12 * 24 * 24) + (15 * 15 * 15)));
        var bundle = OfferFigures.Uplift((500, 60 * 24, 60 * 24 * 24), (150, 12 * 24, 12 * 24 * 24));

        Browser.GoTo(new Uri(Factory.BaseAddress, "/console/offers"));
        Browser.SignIn(NbaServerFactory.AllScopesKey, landsOn: "offers-table");

        Assert.Equal(OffersPage.UpliftText(policy), Browser.Driver.FindElement(By.Id("policy-uplift")).Text);
        Assert.Equal(OffersPage.UpliftText(bundle), Browser.Driver.FindElement(By.Id("offer-uplift-bundle-galaxy-s")).Text);
        Assert.Equal("5.0 %", Browser.Driver.FindElement(By.Id("offer-exploration-bundle-galaxy-s")).Text);
        Assert.Equal("(500 / 150 / 0)", Browser.Driver.FindElement(By.Id("offer-groups-bundle-galaxy-s")).Text);
        Assert.NotEmpty(Browser.Driver.FindElements(By.CssSelector("#offers-chart-uplift svg")));
        Assert.Empty(Browser.Driver.FindElements(By.Id("offers-uplift-none")));
        ((IJavaScriptExecutor)Browser.Driver).ExecuteScript(
            "arguments[0].scrollIntoView(); window.scrollBy(0, -72)", Browser.Driver.FindElement(By.Id("offers-chart-uplift")));
        Browser.Screenshot("console-offers-uplift");
        Assert.Empty(Browser.ConsoleErrors());
    }

    private static IEnumerable<HashEntry> Counts(string group, string actionId, long impressions, long explored, long accepted, double value) =>
    [
        new(OfferStatisticsStore.Field(OfferStatisticsStore.Impressions, group, actionId), impressions),
        new(OfferStatisticsStore.Field(OfferStatisticsStore.Explored, group, actionId), explored),
        new(OfferStatisticsStore.Field(OfferStatisticsStore.Accepted, group, actionId), accepted),
        new(OfferStatisticsStore.Field(OfferStatisticsStore.Value, group, actionId), accepted * value),
        new(OfferStatisticsStore.Field(OfferStatisticsStore.ValueSquares, group, actionId), accepted * value * value),
    ];

    private void AssertFigures(string actionId, Expected expected)
    {
        Assert.Equal(expected.Shown.ToString(Invariant), Browser.Driver.FindElement(By.Id("offer-impressions-" + actionId)).Text);
        Assert.Equal($"({expected.Shown} / 0 / 0)", Browser.Driver.FindElement(By.Id("offer-groups-" + actionId)).Text);
        Assert.Equal(
            (100.0 * expected.Accepted / expected.Shown).ToString("0.0", Invariant) + $" % ({expected.Accepted})",
            Browser.Driver.FindElement(By.Id("offer-acceptance-" + actionId)).Text);
        Assert.Equal(expected.Value.ToString("0.00", Invariant), Browser.Driver.FindElement(By.Id("offer-value-" + actionId)).Text);
        Assert.Equal(
            (expected.Value / expected.Shown).ToString("0.00", Invariant),
            Browser.Driver.FindElement(By.Id("offer-value-per-impression-" + actionId)).Text);
    }

    /// <summary>What the screen must show for one action: its impressions, acceptances and accepted value.</summary>
    private sealed record Expected(int Shown, int Accepted, double Value);
}
