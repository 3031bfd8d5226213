using System.Drawing;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Contracts;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Profiles;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The customer viewer in a real headless Chromium against the decision API on Kestrel and a real Redis: a customer
/// built by the real profile updater from CloudEvents and written by the real profile store (as ingestion does), a real
/// decision served through <c>POST /v1/decisions</c> so an explanation is kept; looked up and decided for by form posts.
/// </summary>
public sealed class ConsoleCustomerBrowserTests(KafkaFixture kafka, RedisServerFixture redis) : ConsoleBrowserTest(kafka, redis)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);


    [Fact]
    public async Task LookUp_ShowsProfileConsentAndTheExplanation_DecideNowShowsEveryCandidateWithItsStage()
    {
        var customer = $"cust-viewer-{Factory.Suffix}";
        var console = new Uri(Factory.BaseAddress, "/console/customers");
        await SeedProfileAsync(customer);
        using var webshop = Factory.CreateWebshopClient();
        var decision = await DecideAsync(webshop, customer);
        var chosen = Assert.Single(decision.Actions);
        Assert.Equal("bundle-galaxy-s", chosen.ActionId);
        var reason = Assert.IsType<string>(chosen.Reasons.FirstOrDefault());
        using (var outcome = await webshop.PostAsJsonAsync($"/v1/decisions/{decision.DecisionId}/outcome", new { actionId = chosen.ActionId, outcome = "accepted" }))
        {
            outcome.EnsureSuccessStatusCode();
        }

        Browser.GoTo(console);
        Browser.SignIn(NbaServerFactory.AllScopesKey, landsOn: "customer-id");
        Browser.Driver.FindElement(By.Id("customer-id")).SendKeys(customer);
        Browser.Submit("look-up", landsOn: "customer-heading");

        Assert.Equal(console, new Uri(Browser.Driver.Url));
        Assert.Equal($"Customer {customer}", Browser.Driver.FindElement(By.Id("customer-heading")).Text);
        var explained = Browser.Driver.FindElement(By.Id($"decision-{decision.DecisionId}-{chosen.ActionId}")).Text;
        Assert.Contains(reason, explained, StringComparison.Ordinal);
        Assert.Contains("outcome: accepted", explained, StringComparison.Ordinal);
        Assert.Contains("checkout on web", Browser.Driver.FindElement(By.Id($"decision-{decision.DecisionId}")).Text, StringComparison.Ordinal);
        Assert.Contains("galaxy-s", Browser.Driver.FindElement(By.Id("customer-cart")).Text, StringComparison.Ordinal);
        var history = Browser.Driver.FindElement(By.Id("consent-history")).Text;
        Assert.Contains("app-settings", history, StringComparison.Ordinal);
        Assert.Contains("2026-11", history, StringComparison.Ordinal);
        Assert.Contains("expires in", Browser.Driver.FindElement(By.Id("customer-temporary")).Text, StringComparison.Ordinal);
        Assert.Contains("bundle-galaxy-s", Browser.Driver.FindElement(By.Id("customer-impressions")).Text, StringComparison.Ordinal);
        Browser.Screenshot("console-customer-lookup");

        new SelectElement(Browser.Driver.FindElement(By.Id("dry-run-touchpoint"))).SelectByValue("checkout");
        new SelectElement(Browser.Driver.FindElement(By.Id("dry-run-channel"))).SelectByValue("web");
        Browser.Submit("decide-now", landsOn: "dry-run-result");

        Assert.Equal(console, new Uri(Browser.Driver.Url));
        Assert.DoesNotContain(customer, Browser.Driver.Url, StringComparison.Ordinal);
        var filtered = Browser.Driver.FindElement(By.Id("candidate-bundle-iphone"));
        Assert.Equal("eligibility", filtered.FindElement(By.ClassName("candidate-stage")).Text);
        Assert.Contains("rule not met: cart.productLines contains action.productLine", filtered.Text, StringComparison.Ordinal);
        var ranked = Browser.Driver.FindElement(By.Id("candidate-bundle-galaxy-s"));
        Assert.Equal("ranked", ranked.FindElement(By.ClassName("candidate-stage")).Text);
        Assert.EndsWith("yes", ranked.Text, StringComparison.Ordinal);
        Assert.Contains(reason, Browser.Driver.FindElement(By.Id("dry-run-chosen-bundle-galaxy-s")).Text, StringComparison.Ordinal);
        var stages = Browser.Driver.FindElements(By.CssSelector("#dry-run-candidates .candidate-stage")).Select(s => s.Text).ToList();
        Assert.Equal(stages.OrderBy(NextBestAction.OperatorConsole.Customers.CandidateFunnel.StageIndex), stages);
        // The profile is still shown under the dry run, for the customer carried in the hidden field.
        Assert.Equal($"Customer {customer}", Browser.Driver.FindElement(By.Id("customer-heading")).Text);
        // The whole page for the docs: a window as tall as the document (the browser's frame takes some of the window).
        var script = (IJavaScriptExecutor)Browser.Driver;
        var height = Convert.ToInt32(script.ExecuteScript("return document.documentElement.scrollHeight"), CultureInfo.InvariantCulture);
        Browser.Driver.Manage().Window.Size = new Size(1280, height + 200);
        Browser.Screenshot("console-customer");
        // On a phone the page does not scroll sideways: wide tables scroll in their own regions.
        Browser.Driver.Manage().Window.Size = new Size(390, 844);
        Assert.Equal(0L, script.ExecuteScript("return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"));
        Browser.Screenshot("console-customer-phone");
        Assert.Empty(Browser.ConsoleErrors());

        // A dry run records nothing: the one decision served is still the only one held.
        var held = await Factory.Services.GetRequiredService<CustomerExport>().ReadAsync(customer, DateTimeOffset.UtcNow);
        Assert.Equal(decision.DecisionId, Assert.Single(held.Decisions).DecisionId);
        var audit = Factory.Logs.Entries.Where(e => e.Category == PersonalDataAudit.Category).Select(e => e.Message).ToList();
        Assert.Contains(audit, m => m.Contains("Personal data read: profile of subject", StringComparison.Ordinal) && m.Contains("/console/customers", StringComparison.Ordinal));
        Assert.Contains(audit, m => m.Contains("Personal data read: debug-decision of subject", StringComparison.Ordinal) && m.Contains("every-scope", StringComparison.Ordinal));
        Assert.DoesNotContain(Factory.Logs.Entries, e => e.Message.Contains(customer, StringComparison.Ordinal));
    }

    /// <summary>
    /// A customer with marketing and location consent, a Galaxy S in the cart in a current session, and a reported
    /// location: CloudEvents read by the real event reader, applied by the real updater, written by the real store.
    /// </summary>
    private async Task SeedProfileAsync(string customer)
    {
        var now = DateTimeOffset.UtcNow;
        var store = Factory.ProfileStore;
        var loaded = Assert.Single(await store.LoadAsync([customer], now));
        var updater = new ProfileUpdater(ProfileRules.Default);
        (string Type, object Data)[] events =
        [
            (EventTypes.ConsentChanged, new { marketing = true, location = true, collectedVia = "app-settings", textVersion = "2026-11" }),
            (EventTypes.ProductViewed, new { productId = "p-galaxy-s24", category = "phones", productLine = "galaxy-s", price = 899.0, sessionId = "s-viewer-1" }),
            (EventTypes.CartItemAdded, new { productId = "p-galaxy-s24", category = "phones", productLine = "galaxy-s", price = 899.0, quantity = 1 }),
            (EventTypes.LocationReported, new { lat = 52.37, lon = 4.89 }),
        ];
        var offset = 0;
        foreach (var (type, data) in events)
        {
            var read = EventReader.Read(CloudEvents.Create(type, customer, data, now.AddSeconds(-30 + offset)), now, EventLimits.Default);
            Assert.Equal(ReadOutcome.Valid, read.Outcome);
            Assert.Equal(ApplyOutcome.Applied, updater.Apply(loaded.Profile, read.Event!, "console-viewer-test/0", offset++));
        }

        Assert.True(Assert.Single(await store.TryWriteAsync([loaded], now)));
    }

    /// <summary>A served (not dry-run) decision at checkout, once the recorder has kept it with its explanation.</summary>
    private static async Task<DecisionDto> DecideAsync(HttpClient webshop, string customer)
    {
        using var response = await webshop.PostAsJsonAsync("/v1/decisions", new { customerId = customer, touchpoint = "checkout", channel = "web" });
        response.EnsureSuccessStatusCode();
        var decision = (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
        Assert.True(
            await Wait.UntilAsync(async () =>
            {
                using var kept = await webshop.GetAsync($"/v1/decisions/{decision.DecisionId}");
                return kept.StatusCode == HttpStatusCode.OK;
            }, MaxWait, TimeSpan.FromMilliseconds(100)),
            "the served decision was not recorded");
        return decision;
    }
}
