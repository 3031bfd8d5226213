using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.OperatorConsole.Privacy;
using NextBestAction.Profiles.Privacy;
using OpenQA.Selenium;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The privacy desk in a real headless Chromium against the decision API on Kestrel and a real Redis: a customer with a
/// served decision is exported (the download checked over HTTP with the browser's session and antiforgery token), erased
/// through the form, the receipt shown, the request listed and found by its id, and the data gone from Redis.
/// </summary>
public sealed partial class ConsolePrivacyBrowserTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private readonly ConsoleServerFactory factory = new(kafka, redis);
    private readonly HeadlessChromium browser = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    // xunit v3 calls only DisposeAsync on a class that has both, so the browser is quit here (Dispose alone leaked it).
    public async ValueTask DisposeAsync()
    {
        browser.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task PrivacyDesk_ExportErase_ReceiptShownAndListed_DataGone()
    {
        var customer = $"cust-{factory.Suffix}-privacy";
        var decisionId = await DecideAsync(customer);
        var keys = factory.ProfileStore.Keys;
        var db = redis.Connection.GetDatabase();

        browser.GoTo(new Uri(factory.BaseAddress, PrivacyDeskEndpoints.PagePath));
        browser.SignIn(NbaServerFactory.AllScopesKey, landsOn: "erase-panel");
        Assert.Equal(PrivacyDeskEndpoints.PagePath, new Uri(browser.Driver.Url).AbsolutePath);

        // Export: the download, with the browser's own session cookie and the form's antiforgery token.
        using (var client = ClientWithBrowserCookies())
        {
            var token = browser.Driver.FindElement(By.CssSelector("#export-panel input[name=__RequestVerificationToken]")).GetAttribute("value")!;
            using (var forged = await client.PostAsync(PrivacyDeskEndpoints.ExportPath, new FormUrlEncodedContent([new(PrivacyDeskEndpoints.CustomerIdField, customer)])))
            {
                Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
                Assert.DoesNotContain(factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category);
            }

            using var exported = await client.PostAsync(PrivacyDeskEndpoints.ExportPath, Form(customer, token));

            Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
            Assert.Equal("application/json", exported.Content.Headers.ContentType!.MediaType);
            var disposition = exported.Content.Headers.ContentDisposition!;
            Assert.Equal("attachment", disposition.DispositionType);
            Assert.Matches(ExportFileName(), disposition.FileNameStar ?? disposition.FileName);
            using var document = JsonDocument.Parse(await exported.Content.ReadAsStringAsync());
            Assert.Equal(customer, document.RootElement.GetProperty("customerId").GetString());
            Assert.Equal(decisionId, Assert.Single(document.RootElement.GetProperty("decisions").EnumerateArray()).GetProperty("decisionId").GetString());
            Assert.NotEmpty(document.RootElement.GetProperty("impressions").EnumerateArray());
        }

        Assert.Contains(factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category
            && e.Message.Contains("export of subject", StringComparison.Ordinal) && e.Message.Contains(PrivacyDeskEndpoints.ExportPath, StringComparison.Ordinal));
        Assert.Contains(factory.Logs.Entries, e => e.Category == ConsoleAudit.Category && e.Message.Contains(PrivacyDesk.ExportedAudit + " (export ", StringComparison.Ordinal));

        // A confirmation that differs erases nothing.
        Fill("erase-customer-id", customer);
        Fill("erase-confirmation", customer + "x");
        Tick("erase-verified");
        browser.Submit("erase-submit", landsOn: "erase-error");
        Assert.Contains("differ", browser.Driver.FindElement(By.Id("erase-error")).Text, StringComparison.Ordinal);
        Assert.True(await db.KeyExistsAsync(keys.Decisions(customer)));

        Fill("erase-customer-id", customer);
        Fill("erase-confirmation", customer);
        Tick("erase-verified");
        browser.Submit("erase-submit", landsOn: "privacy-receipt");

        var requestId = browser.Driver.FindElement(By.Id("receipt-request-id")).Text;
        Assert.True(PrivacyReceipt.IsRequestId(requestId), requestId);
        Assert.Equal("erased", browser.Driver.FindElement(By.Id("receipt-outcome")).Text);
        Assert.Equal("every-scope", browser.Driver.FindElement(By.Id("receipt-requested-by")).Text);
        Assert.Contains("decisions", browser.Driver.FindElement(By.Id("receipt-removed")).Text, StringComparison.Ordinal);
        Assert.Contains("every-scope", browser.Driver.FindElement(By.Id("request-" + requestId)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(customer, browser.Driver.PageSource, StringComparison.Ordinal);
        Assert.False(await db.KeyExistsAsync(keys.Decisions(customer)));
        Assert.False(await db.KeyExistsAsync(keys.Contacts(customer)));
        Assert.False(await db.KeyExistsAsync(keys.DecisionOwner(decisionId)));
        Assert.Equal(PrivacyReceipt.Erased, (await factory.Services.GetRequiredService<PrivacyReceipts>().GetAsync(requestId))!.Outcome);

        // An erasure over the API, of a customer never seen, is listed too, under the API key's name and before this one.
        using var privacyApi = factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        using var apiErasure = await privacyApi.DeleteAsync($"/v1/customers/cust-{factory.Suffix}-unknown");
        var apiRequestId = (await apiErasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString();

        // A fresh page lists both requests, newest first, and finds a receipt by its id.
        browser.GoTo(new Uri(factory.BaseAddress, PrivacyDeskEndpoints.PagePath));
        browser.WaitFor("privacy-requests-table");
        var rows = browser.Driver.FindElements(By.CssSelector("#privacy-requests-table tbody tr"));
        Assert.Equal(["request-" + apiRequestId, "request-" + requestId], rows.Select(r => r.GetAttribute("id")));
        Assert.Contains("erasure nothing held", rows[0].Text, StringComparison.Ordinal);
        Assert.Contains("privacy-desk", rows[0].Text, StringComparison.Ordinal);
        Assert.Contains("erasure erased", rows[1].Text, StringComparison.Ordinal);
        Assert.Contains("decision-owner 1", rows[1].Text, StringComparison.Ordinal);
        Fill("lookup-request-id", requestId);
        browser.Submit("lookup-submit", landsOn: "privacy-receipt");
        Assert.Equal(requestId, browser.Driver.FindElement(By.Id("receipt-request-id")).Text);
        // The whole page in one picture for the docs: forms, the receipt and the list.
        browser.ScreenshotWholePage("console-privacy");
        // On a phone the page fits the width: wide tables scroll inside their own container.
        var (viewport, contentWidth) = browser.WidthsOnAPhone();
        Assert.True(viewport <= 390 && contentWidth <= viewport, $"a {viewport} px wide phone screen shows a page {contentWidth} px wide");

        var audit = factory.Logs.Entries.Where(e => e.Category == ConsoleAudit.Category).ToList();
        Assert.Contains(audit, e => e.Message.Contains($"every-scope {PrivacyDesk.ErasedAudit} (request {requestId}, outcome erased)", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Message.Contains(customer, StringComparison.Ordinal));
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task PrivacyDesk_ConsoleOnlyKey_ForbiddenOnThePageAndTheExport()
    {
        using var client = await ConsoleSessions.SignInAsync(factory, ConsoleServerFactory.OperatorKey);
        // A token issued to this session, from the overview's sign-out form: only the missing scope can refuse the export.
        var token = await ConsoleSessions.AntiforgeryTokenAsync(client, "/console");

        using var page = await client.GetAsync(PrivacyDeskEndpoints.PagePath);
        using var export = await client.PostAsync(PrivacyDeskEndpoints.ExportPath, Form($"cust-{factory.Suffix}-refused", token));

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category);
    }

    /// <summary>A served decision for <paramref name="customer"/> (contact history, decision record, decision owner); its id.</summary>
    private async Task<string> DecideAsync(string customer)
    {
        using var webshop = factory.CreateWebshopClient();
        using var response = await webshop.PostAsJsonAsync("/v1/decisions", new
        {
            customerId = customer,
            touchpoint = "checkout",
            channel = "web",
            context = new { cart = new[] { new { productId = "p-phone-1", category = "phones", productLine = "galaxy-s", price = 899.0, quantity = 1 } } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = (await response.Content.ReadFromJsonAsync<DecisionDto>())!;
        Assert.NotEmpty(decision.Actions);
        var db = redis.Connection.GetDatabase();
        Assert.True(await Wait.UntilAsync(async () => await db.KeyExistsAsync(factory.ProfileStore.Keys.Decisions(customer)), MaxWait, TimeSpan.FromMilliseconds(50)),
            "the decision record was not written");
        return decision.DecisionId;
    }

    private void Fill(string id, string text)
    {
        var input = browser.Driver.FindElement(By.Id(id));
        input.Clear();
        input.SendKeys(text);
    }

    private void Tick(string id)
    {
        var box = browser.Driver.FindElement(By.Id(id));
        if (!box.Selected)
        {
            box.SendKeys(Keys.Space);
        }
    }

    /// <summary>A client carrying the browser's cookies: the console session and the antiforgery cookie.</summary>
    private HttpClient ClientWithBrowserCookies()
    {
        var cookies = new CookieContainer();
        foreach (var cookie in browser.Driver.Manage().Cookies.AllCookies)
        {
            cookies.Add(factory.BaseAddress, new System.Net.Cookie(cookie.Name, cookie.Value, cookie.Path));
        }

        return factory.CreateBrowserLikeClient(cookies);
    }

    private static FormUrlEncodedContent Form(string customerId, string token) =>
        new([new(PrivacyDeskEndpoints.CustomerIdField, customerId), new("__RequestVerificationToken", token)]);

    [GeneratedRegex("^customer-export-[0-9a-f]{32}\\.json$")]
    private static partial Regex ExportFileName();
}
