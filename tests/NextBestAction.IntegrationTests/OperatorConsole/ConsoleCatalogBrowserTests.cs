using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Decisioning.Serving;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.OperatorConsole.Catalog;
using OpenQA.Selenium;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The catalog screen in a real headless Chromium against the decision API on Kestrel and a real Redis, with a catalog
/// file and a Redis key prefix of the test's own: real decisions are served first, so the what-if replays what the
/// serving path recorded; a draft without one action shows the offer mix move, is published for every instance and
/// rolled back to the file.
/// </summary>
public sealed partial class ConsoleCatalogBrowserTests(KafkaFixture kafka, RedisServerFixture redis) : ConsoleBrowserTest(kafka, redis)
{
    private const int Customers = 40;

    private readonly string catalogPath = Path.Combine(Path.GetTempPath(), $"nba-console-catalog-{Guid.NewGuid():N}.json");

    private static string Catalog(string version, bool withAdvisor) => $$"""
        {"version":"{{version}}","touchpoints":["checkout"],"channels":["web"],"actions":[
          {{(withAdvisor ? """{"id":"service-advisor","kind":"service","title":"Advisor call","value":8,"eligibility":["true"]},""" : "")}}
          {"id":"service-care","kind":"service","title":"Care plan","value":2,"eligibility":["true"]}
        ]}
        """;

    public override ValueTask InitializeAsync()
    {
        File.WriteAllText(catalogPath, Catalog("t1", withAdvisor: true));
        Factory.Settings["Decisions:CatalogPath"] = catalogPath;
        Factory.Settings["Decisions:CatalogReloadSeconds"] = "0.2";
        Factory.Settings["Redis:KeyPrefix"] = "cat" + Factory.Suffix;
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(catalogPath);
    }

    [Fact]
    public async Task WhatIf_DraftWithoutAnAction_ShowsTheMixChange_ThenPublishAndRollBack()
    {
        var console = new Uri(Factory.BaseAddress, "/console");
        await ServeDecisionsAsync();

        Browser.GoTo(console);
        Browser.SignIn(NbaServerFactory.AllScopesKey, landsOn: "console-nav");
        Browser.Driver.FindElement(By.Id("nav-catalog")).SendKeys(Keys.Enter);
        Browser.WaitFor("catalog-live-version");
        Assert.StartsWith("t1+", Browser.Driver.FindElement(By.Id("catalog-live-version")).Text, StringComparison.Ordinal);
        Assert.Contains("Advisor call", Browser.Driver.FindElement(By.Id("catalog-action-service-advisor")).Text, StringComparison.Ordinal);
        Assert.Contains("from the catalog file", Browser.Driver.FindElement(By.Id("catalog-live")).Text, StringComparison.Ordinal);
        Browser.Screenshot("console-catalog");

        // A draft uploaded as a file replaces the text and is checked with the loader's messages.
        var upload = Path.Combine(Path.GetTempPath(), $"nba-draft-{Factory.Suffix}.json");
        await File.WriteAllTextAsync(upload, Catalog("t2", withAdvisor: false));
        Browser.Driver.FindElement(By.Id("draft-upload")).SendKeys(upload);
        Browser.Submit("draft-check", landsOn: "draft-message");
        File.Delete(upload);
        Assert.StartsWith("The draft is a valid catalog: version t2+", Browser.Driver.FindElement(By.Id("draft-message")).Text, StringComparison.Ordinal);
        Assert.DoesNotContain("service-advisor", Browser.Driver.FindElement(By.Id("draft-source")).GetAttribute("value"), StringComparison.Ordinal);
        SetDraft(Catalog("t2", withAdvisor: true).Replace("\"value\":8", "\"valeu\":8", StringComparison.Ordinal));
        Browser.Submit("draft-check", landsOn: "draft-message");
        Assert.Contains("draft: action \"service-advisor\": unknown field \"valeu\"", Browser.Driver.FindElement(By.Id("draft-message")).Text, StringComparison.Ordinal);

        SetDraft(Catalog("t2", withAdvisor: false));
        Browser.Submit("draft-what-if", landsOn: "what-if");

        var advisor = Cells("what-if-mix-service-advisor");
        Assert.True(Share(advisor[1]) > 0, $"the live catalog should show the advisor to some customers: {advisor[1]}");
        Assert.Equal("0.0 %", advisor[2]);
        Assert.Equal("100.0 %", Cells("what-if-mix-service-care")[2]);
        var movement = Movement().Match(Browser.Driver.FindElement(By.Id("what-if-movement")).Text);
        Assert.True(movement.Success, Browser.Driver.FindElement(By.Id("what-if-movement")).Text);
        Assert.Equal(("0", "0"), (movement.Groups["gain"].Value, movement.Groups["lose"].Value));
        Assert.True(int.Parse(movement.Groups["change"].Value, CultureInfo.InvariantCulture) > 0);
        Assert.StartsWith($"{Customers} decisions replayed", Browser.Driver.FindElement(By.Id("what-if-sample")).Text, StringComparison.Ordinal);
        Assert.NotEmpty(Browser.Driver.FindElements(By.CssSelector("#what-if-mix-chart svg path, #what-if-mix-chart svg rect")));
        Assert.NotEmpty(Browser.Driver.FindElement(By.Id("what-if-value-live")).Text);
        Browser.ScreenshotOfElement("what-if", "console-catalog-what-if");
        ((IJavaScriptExecutor)Browser.Driver).ExecuteScript("window.scrollTo(0, 0);");

        Browser.Submit("draft-publish", landsOn: "draft-message");

        Assert.Contains("Published as publication 1", Browser.Driver.FindElement(By.Id("draft-message")).Text, StringComparison.Ordinal);
        Assert.StartsWith("t2+", Browser.Driver.FindElement(By.Id("catalog-live-version")).Text, StringComparison.Ordinal);
        using var admin = Factory.CreateClientWithKey(NbaServerFactory.AdminKey);
        var status = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/catalog");
        Assert.StartsWith("t2+", status.GetProperty("catalogVersion").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, status.GetProperty("publication").GetProperty("number").GetInt64());
        Assert.Equal("every-scope", status.GetProperty("publication").GetProperty("publishedBy").GetString());
        using var webshop = Factory.CreateWebshopClient();
        var served = await NbaServerFactory.DecideUntilAsync(webshop, new { customerId = "cust-after-publish", touchpoint = "checkout" }, _ => true, TimeSpan.Zero);
        Assert.StartsWith("t2+", served.CatalogVersion, StringComparison.Ordinal);

        Browser.Submit("make-live-file", landsOn: "versions-message");

        Assert.StartsWith("t1+", Browser.Driver.FindElement(By.Id("catalog-live-version")).Text, StringComparison.Ordinal);
        Assert.Contains("t2+", Browser.Driver.FindElement(By.Id("catalog-version-1")).Text, StringComparison.Ordinal);
        Assert.Single(Browser.Driver.FindElements(By.Id("make-live-1")));
        served = await NbaServerFactory.DecideUntilAsync(webshop, new { customerId = "cust-after-rollback", touchpoint = "checkout" }, _ => true, TimeSpan.Zero);
        Assert.StartsWith("t1+", served.CatalogVersion, StringComparison.Ordinal);
        var audit = Factory.Logs.Entries.Where(e => e.Category == ConsoleAudit.Category).Select(e => e.Message).ToList();
        Assert.Contains(audit, m => m.StartsWith($"Console: every-scope {CatalogDesk.WhatIfReplayed} (draft t2+", StringComparison.Ordinal));
        Assert.Contains(audit, m => m.StartsWith($"Console: every-scope {CatalogDesk.Published} (publication 1, version t2+", StringComparison.Ordinal));
        Assert.Contains(audit, m => m.StartsWith($"Console: every-scope {CatalogDesk.MadeLive} (the catalog file, version t1+", StringComparison.Ordinal));
        Assert.Empty(Browser.ConsoleErrors());
    }

    [Fact]
    public async Task ConsoleOnlyKey_SeesTheCatalog_ButPublishingIsForbidden()
    {
        Browser.GoTo(new Uri(Factory.BaseAddress, "/console/catalog"));
        Browser.SignIn(ConsoleServerFactory.OperatorKey, landsOn: "catalog-live-version");

        Assert.Empty(Browser.Driver.FindElements(By.Id("draft-publish")));
        Assert.Empty(Browser.Driver.FindElements(By.Id("make-live-file")));

        // The form as the page renders it, posted with the browser's session and antiforgery cookies plus the publish command.
        using var client = ClientWithBrowserCookies();
        var token = Browser.Driver.FindElement(By.CssSelector("form[enctype='multipart/form-data'] input[name='__RequestVerificationToken']")).GetAttribute("value");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "catalog-draft",
            ["__RequestVerificationToken"] = token!,
            ["Draft.Source"] = Catalog("t9", withAdvisor: false),
            ["Draft.Command"] = "publish",
            ["Draft.SampleSize"] = "100",
        });

        using var response = await client.PostAsync("/console/catalog", form);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Publishing needs an API key with the admin scope", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var admin = Factory.CreateClientWithKey(NbaServerFactory.AdminKey);
        var status = await admin.GetFromJsonAsync<JsonElement>("/v1/admin/catalog");
        Assert.StartsWith("t1+", status.GetProperty("catalogVersion").GetString(), StringComparison.Ordinal);
        Assert.Empty(Browser.ConsoleErrors());
    }

    /// <summary>One real decision for each customer through the API, then waits until the last one's record is in Redis.</summary>
    private async Task ServeDecisionsAsync()
    {
        using var webshop = Factory.CreateWebshopClient();
        string? last = null;
        for (var i = 0; i < Customers; i++)
        {
            using var response = await webshop.PostAsJsonAsync("/v1/decisions", new { customerId = $"cust-catalog-{i}", touchpoint = "checkout", channel = "web" });
            response.EnsureSuccessStatusCode();
            last = (await response.Content.ReadFromJsonAsync<DecisionDto>())!.DecisionId;
        }

        var records = Factory.Services.GetRequiredService<DecisionRecordStore>();
        Assert.True(await Wait.UntilAsync(async () => await records.GetAuditedAsync(last!) is { Explanation: not null }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100)));
    }

    private void SetDraft(string json) =>
        ((IJavaScriptExecutor)Browser.Driver).ExecuteScript("document.getElementById('draft-source').value = arguments[0];", json);

    private string[] Cells(string rowId) => [.. Browser.Driver.FindElement(By.Id(rowId)).FindElements(By.TagName("td")).Select(c => c.Text)];

    private static double Share(string percent) => double.Parse(percent.TrimEnd(' ', '%'), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<gain>\d+) gain an offer, (?<lose>\d+) lose theirs, (?<change>\d+) get another one")]
    private static partial Regex Movement();
}
