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
public sealed partial class ConsolePrivacyBrowserTests(KafkaFixture kafka, RedisServerFixture redis) : ConsoleBrowserTest(kafka, redis)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);


    [Fact]
    public async Task PrivacyDesk_ExportErase_ReceiptShownAndListed_DataGone()
    {
        var customer = $"cust-{Factory.Suffix}-privacy";
        var decisionId = await DecideAsync(customer);
        var keys = Factory.ProfileStore.Keys;
        var db = Redis.Connection.GetDatabase();

        Browser.GoTo(new Uri(Factory.BaseAddress, PrivacyDeskEndpoints.PagePath));
        Browser.SignIn(NbaServerFactory.AllScopesKey, landsOn: "erase-panel");
        Assert.Equal(PrivacyDeskEndpoints.PagePath, new Uri(Browser.Driver.Url).AbsolutePath);

        // Export: the download, with the browser's own session cookie and the form's antiforgery token.
        string exportRequestId;
        using (var client = ClientWithBrowserCookies())
        {
            var token = Browser.Driver.FindElement(By.CssSelector("#export-panel input[name=__RequestVerificationToken]")).GetAttribute("value")!;
            using (var forged = await client.PostAsync(PrivacyDeskEndpoints.ExportPath, new FormUrlEncodedContent([new(PrivacyDeskEndpoints.CustomerIdField, customer)])))
            {
                Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
                Assert.DoesNotContain(Factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category);
            }

            using var exported = await client.PostAsync(PrivacyDeskEndpoints.ExportPath, Form(customer, token));

            Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
            Assert.Equal("application/json", exported.Content.Headers.ContentType!.MediaType);
            var disposition = exported.Content.Headers.ContentDisposition!;
            Assert.Equal("attachment", disposition.DispositionType);
            Assert.Matches(ExportFileName(), disposition.FileNameStar ?? disposition.FileName);
            exportRequestId = (disposition.FileNameStar ?? disposition.FileName)!["customer-export-".Length..^".json".Length];
            using var document = JsonDocument.Parse(await exported.Content.ReadAsStringAsync());
            Assert.Equal(customer, document.RootElement.GetProperty("customerId").GetString());
            Assert.Equal(decisionId, Assert.Single(document.RootElement.GetProperty("decisions").EnumerateArray()).GetProperty("decisionId").GetString());
            Assert.NotEmpty(document.RootElement.GetProperty("impressions").EnumerateArray());
        }

        Assert.Contains(Factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category
            && e.Message.Contains("export of subject", StringComparison.Ordinal) && e.Message.Contains(PrivacyDeskEndpoints.ExportPath, StringComparison.Ordinal));
        Assert.Contains(Factory.Logs.Entries, e => e.Category == ConsoleAudit.Category && e.Message.Contains($"{PrivacyDesk.ExportedAudit} (request {exportRequestId}, data held)", StringComparison.Ordinal));
        var exportReceipt = (await Factory.Services.GetRequiredService<PrivacyReceipts>().GetAsync(exportRequestId))!;
        Assert.Equal((PrivacyReceipt.Access, PrivacyReceipt.Exported, "every-scope"), (exportReceipt.Kind, exportReceipt.Outcome, exportReceipt.RequestedBy));

        // A confirmation that differs erases nothing.
        Fill("erase-customer-id", customer);
        Fill("erase-confirmation", customer + "x");
        Tick("erase-verified");
        Browser.Submit("erase-submit", landsOn: "erase-error");
        Assert.Contains("differ", Browser.Driver.FindElement(By.Id("erase-error")).Text, StringComparison.Ordinal);
        Assert.True(await db.KeyExistsAsync(keys.Decisions(customer)));

        Fill("erase-customer-id", customer);
        Fill("erase-confirmation", customer);
        Tick("erase-verified");
        Browser.Submit("erase-submit", landsOn: "privacy-receipt");

        var requestId = Browser.Driver.FindElement(By.Id("receipt-request-id")).Text;
        Assert.True(PrivacyReceipt.IsRequestId(requestId), requestId);
        Assert.Equal("erased", Browser.Driver.FindElement(By.Id("receipt-outcome")).Text);
        Assert.Equal("every-scope", Browser.Driver.FindElement(By.Id("receipt-requested-by")).Text);
        Assert.Contains("decisions", Browser.Driver.FindElement(By.Id("receipt-removed")).Text, StringComparison.Ordinal);
        Assert.Contains("every-scope", Browser.Driver.FindElement(By.Id("request-" + requestId)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(customer, Browser.Driver.PageSource, StringComparison.Ordinal);
        Assert.False(await db.KeyExistsAsync(keys.Decisions(customer)));
        Assert.False(await db.KeyExistsAsync(keys.Contacts(customer)));
        Assert.False(await db.KeyExistsAsync(keys.DecisionOwner(decisionId)));
        Assert.Equal(PrivacyReceipt.Erased, (await Factory.Services.GetRequiredService<PrivacyReceipts>().GetAsync(requestId))!.Outcome);

        // An erasure over the API, of a customer never seen, is listed too, under the API key's name and before this one.
        using var privacyApi = Factory.CreateClientWithKey(NbaServerFactory.PrivacyKey);
        using var apiErasure = await privacyApi.DeleteAsync($"/v1/customers/cust-{Factory.Suffix}-unknown");
        var apiRequestId = (await apiErasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString();

        // A fresh page lists every request, newest first (the export, then the two erasures), and finds a receipt by its id.
        Browser.GoTo(new Uri(Factory.BaseAddress, PrivacyDeskEndpoints.PagePath));
        Browser.WaitFor("privacy-requests-table");
        var rows = Browser.Driver.FindElements(By.CssSelector("#privacy-requests-table tbody tr"));
        Assert.Equal(["request-" + apiRequestId, "request-" + requestId, "request-" + exportRequestId], rows.Select(r => r.GetAttribute("id")));
        Assert.Contains("access exported", rows[2].Text, StringComparison.Ordinal);
        Assert.Contains("erasure nothing held", rows[0].Text, StringComparison.Ordinal);
        Assert.Contains("privacy-desk", rows[0].Text, StringComparison.Ordinal);
        Assert.Contains("erasure erased", rows[1].Text, StringComparison.Ordinal);
        Assert.Contains("decision-owner 1", rows[1].Text, StringComparison.Ordinal);
        Fill("lookup-request-id", requestId);
        Browser.Submit("lookup-submit", landsOn: "privacy-receipt");
        Assert.Equal(requestId, Browser.Driver.FindElement(By.Id("receipt-request-id")).Text);
        // The whole page in one picture for the docs: forms, the receipt and the list.
        Browser.ScreenshotWholePage("console-privacy");
        // On a phone the page fits the width: wide tables scroll inside their own container.
        var (viewport, contentWidth) = Browser.WidthsOnAPhone();
        Assert.True(viewport <= 390 && contentWidth <= viewport, $"a {viewport} px wide phone screen shows a page {contentWidth} px wide");

        var audit = Factory.Logs.Entries.Where(e => e.Category == ConsoleAudit.Category).ToList();
        Assert.Contains(audit, e => e.Message.Contains($"every-scope {PrivacyDesk.ErasedAudit} (request {requestId}, outcome erased)", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Message.Contains(customer, StringComparison.Ordinal));
        Assert.Empty(Browser.ConsoleErrors());
    }

    [Fact]
    public async Task PrivacyDesk_ConsoleOnlyKey_ForbiddenOnThePageAndTheExport()
    {
        using var client = await ConsoleSessions.SignInAsync(Factory, ConsoleServerFactory.OperatorKey);
        // A token issued to this session, from the overview's sign-out form: only the missing scope can refuse the export.
        var token = await ConsoleSessions.AntiforgeryTokenAsync(client, "/console");

        using var page = await client.GetAsync(PrivacyDeskEndpoints.PagePath);
        using var export = await client.PostAsync(PrivacyDeskEndpoints.ExportPath, Form($"cust-{Factory.Suffix}-refused", token));

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.DoesNotContain(Factory.Logs.Entries, e => e.Category == PersonalDataAudit.Category);
    }

    /// <summary>A served decision for <paramref name="customer"/> (contact history, decision record, decision owner); its id.</summary>
    private async Task<string> DecideAsync(string customer)
    {
        using var webshop = Factory.CreateWebshopClient();
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
        var db = Redis.Connection.GetDatabase();
        Assert.True(await Wait.UntilAsync(async () => await db.KeyExistsAsync(Factory.ProfileStore.Keys.Decisions(customer)), MaxWait, TimeSpan.FromMilliseconds(50)),
            "the decision record was not written");
        return decision.DecisionId;
    }

    private void Fill(string id, string text)
    {
        var input = Browser.Driver.FindElement(By.Id(id));
        input.Clear();
        input.SendKeys(text);
    }

    private void Tick(string id)
    {
        var box = Browser.Driver.FindElement(By.Id(id));
        if (!box.Selected)
        {
            box.SendKeys(Keys.Space);
        }
    }

    private static FormUrlEncodedContent Form(string customerId, string token) =>
        new([new(PrivacyDeskEndpoints.CustomerIdField, customerId), new("__RequestVerificationToken", token)]);

    [GeneratedRegex("^customer-export-[0-9a-f]{32}\\.json$")]
    private static partial Regex ExportFileName();
}
