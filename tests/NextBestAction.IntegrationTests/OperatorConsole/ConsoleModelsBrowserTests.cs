using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NextBestAction.Decisioning.Models;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.OperatorConsole.Models;
using OpenQA.Selenium;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The models screen in a real headless Chromium against the decision API on Kestrel, over a registry directory of two
/// versions with their training reports: promote one, see it live (and <c>GET /v1/admin/model</c> agrees), roll back.
/// </summary>
public sealed class ConsoleModelsBrowserTests : ConsoleBrowserTest
{
    private const string First = "propensity-1";
    private const string Second = "propensity-2";
    private const string PromoteForm = NextBestAction.OperatorConsole.Components.Pages.ModelsVersions.PromoteForm;

    private readonly string registry = Path.Combine(Path.GetTempPath(), $"nba-console-models-{Guid.NewGuid():N}");
    private readonly KafkaFixture kafka;
    private readonly RedisServerFixture redis;

    public ConsoleModelsBrowserTests(KafkaFixture kafka, RedisServerFixture redis)
        : base(kafka, redis)
    {
        (this.kafka, this.redis) = (kafka, redis);
        TestModelVersions.Write(registry, First, bundle: 1, service: -1);
        TestModelVersions.Write(registry, Second, bundle: -1, service: 1);
        WriteReport(First, auc: 0.64, ece: 0.03);
        WriteReport(Second, auc: 0.71, ece: 0.02);
        File.WriteAllText(Path.Combine(registry, Second, VersionReport.EvaluationFile), """
            {"samples":500,"policy":"greedy","logged":{"method":"logged","value":1.1},
             "estimates":[{"method":"IPS","value":1.2,"lower":0.9,"upper":1.5},{"method":"DR","value":1.3,"lower":1.1,"upper":1.5}]}
            """);
        File.WriteAllText(Path.Combine(registry, ModelRegistry.CurrentFile), First + "\n");
        File.WriteAllText(Path.Combine(registry, ModelRegistry.ChallengerFile), Second + "\n");
        Factory.Settings["Models:Directory"] = registry;
        Factory.Settings["Models:ReloadSeconds"] = "0";
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(registry, recursive: true);
    }

    [Fact]
    public async Task Models_PromoteThenRollBack_TheLiveModelFollows()
    {
        var page = new Uri(Factory.BaseAddress, "/console/models");
        Browser.GoTo(page);
        Browser.SignIn(NbaServerFactory.AllScopesKey, landsOn: "models-versions-table");

        Assert.Equal(First, Text("live-version"));
        Assert.Equal("live", Text("live-" + First));
        Assert.Equal("challenger", Text("challenger-" + Second));
        Assert.StartsWith($"Challenger {Second} runs in shadow", Text("models-challenger"), StringComparison.Ordinal);
        Assert.Equal("0.710 (0.620)", Text("auc-" + Second));
        Assert.Equal("0.0200 (0.0500)", Text("ece-" + Second));
        Assert.Equal("1.300 [1.100, 1.500]", Text("dr-" + Second));
        Assert.Empty(Browser.Driver.FindElements(By.Id("promote-" + First)));
        Assert.Contains("Only 12 validation rows", Text("warnings-" + First), StringComparison.Ordinal);
        Assert.Empty(Browser.Driver.FindElements(By.Id("warnings-" + Second)));
        Assert.Equal("models-history-empty", Browser.Driver.FindElement(By.Id("models-history-empty")).GetAttribute("id"));

        Browser.Submit("promote-" + Second, landsOn: "models-result");

        // The challenger promoted: its run ends, as the registry would otherwise refuse the live version as challenger.
        Assert.Equal($"{Second} is live: promoted, {First} was live before. It was the challenger, so the challenger file was emptied.", Text("models-result"));
        Assert.Equal("No challenger runs: the live model decides alone.", Text("models-challenger"));
        Assert.Empty(Browser.Driver.FindElements(By.Id("models-challenger-rejection")));
        Assert.Equal(Second, Text("live-version"));
        Assert.Equal("live", Text("live-" + Second));
        Assert.Equal(Second, await ApiLiveVersionAsync());
        Assert.Equal(Second, File.ReadAllText(Path.Combine(registry, ModelRegistry.CurrentFile)).Trim());
        Assert.Contains($"promoted {Second} {First} every-scope", Text("models-history-table"), StringComparison.Ordinal);

        Browser.GoTo(page);
        Browser.WaitFor("rollback-submit");
        Assert.Equal($"ROLL BACK TO {First.ToUpperInvariant()}", Text("rollback-submit").ToUpperInvariant());
        Browser.Submit("rollback-submit", landsOn: "models-result");

        Assert.StartsWith($"{First} is live again: rolled back from {Second}.", Text("models-result"), StringComparison.Ordinal);
        Assert.Equal(First, Text("live-version"));
        Assert.Equal(First, await ApiLiveVersionAsync());
        Assert.Contains($"rolled back {First} {Second} every-scope", Text("models-history-table"), StringComparison.Ordinal);
        Assert.Equal(2, PromotionHistory.Read(registry).Count);
        var audit = Factory.Logs.Entries.Where(e => e.Category == ConsoleAudit.Category).Select(e => e.Message).ToList();
        Assert.Contains(audit, m => m.StartsWith($"Console: every-scope {ModelPromotion.PromotedAudit} ({Second} live, {First} before)", StringComparison.Ordinal));
        Assert.Contains(audit, m => m.StartsWith($"Console: every-scope {ModelPromotion.RolledBackAudit} ({First} live, {Second} before)", StringComparison.Ordinal));

        Browser.ScreenshotWholePage("console-models");
        // On a phone the page fits the width: wide tables scroll inside their own container.
        var (viewport, contentWidth) = Browser.WidthsOnAPhone();
        Assert.True(viewport <= 390 && contentWidth <= viewport, $"a {viewport} px wide phone screen shows a page {contentWidth} px wide");
        Assert.Empty(Browser.ConsoleErrors());
    }

    [Fact]
    public async Task Models_ConsoleOnlyKey_SeesThePageWithoutButtons_AndIsRefusedAPromotion()
    {
        using var client = await ConsoleSessions.SignInAsync(Factory, ConsoleServerFactory.OperatorKey);

        var html = await client.GetStringAsync("/console/models");
        Assert.Contains(First, html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"promote-", html, StringComparison.Ordinal);
        var token = await ConsoleSessions.AntiforgeryTokenAsync(client, "/console/models");
        using var promote = await client.PostAsync("/console/models", new FormUrlEncodedContent(
            [new("_handler", PromoteForm), new("Version", Second), new("__RequestVerificationToken", token)]));

        Assert.Equal(HttpStatusCode.Forbidden, promote.StatusCode);
        Assert.Contains("need the \"admin\" scope", WebUtility.HtmlDecode(await promote.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(First, File.ReadAllText(Path.Combine(registry, ModelRegistry.CurrentFile)).Trim());
        Assert.Equal(First, await ApiLiveVersionAsync());
        Assert.Empty(PromotionHistory.Read(registry));
    }

    [Fact]
    public async Task Models_WithoutARegistry_SaysThePriorServes_AndHowToTrainOne()
    {
        await using var withoutRegistry = new ConsoleServerFactory(kafka, redis);
        using var client = await ConsoleSessions.SignInAsync(withoutRegistry, ConsoleServerFactory.OperatorKey);

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/console/models"));

        Assert.Contains("id=\"prior-serves\"", html, StringComparison.Ordinal);
        Assert.Contains("the hand-written prior", html, StringComparison.Ordinal);
        Assert.Contains("prior-v2", html, StringComparison.Ordinal);
        Assert.Contains("src/NextBestAction.Training -- train", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"models-versions\"", html, StringComparison.Ordinal);
    }

    private string Text(string id) => Browser.Driver.FindElement(By.Id(id)).Text;

    private async Task<string?> ApiLiveVersionAsync()
    {
        using var admin = Factory.CreateClientWithKey(NbaServerFactory.AdminKey);
        return (await admin.GetFromJsonAsync<JsonElement>("/v1/admin/model")).GetProperty("modelVersion").GetString();
    }

    /// <summary>A report.json as training writes it, with the figures the screen shows (baseline AUC 0.62, baseline calibration error 0.05).</summary>
    private void WriteReport(string version, double auc, double ece) =>
        File.WriteAllText(Path.Combine(registry, version, VersionReport.ReportFile), JsonSerializer.Serialize(new
        {
            version,
            kind = "propensity",
            createdAt = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
            data = new { trainingRows = 800, validationRows = 200 },
            model = new { name = version, auc, logLoss = 0.4, meanPredicted = 0.2, observedRate = 0.2, rows = 200 },
            baseline = new { name = "prior-v2", auc = 0.62, logLoss = 0.5, meanPredicted = 0.2, observedRate = 0.2, rows = 200 },
            calibration = new[] { new { from = 0.0, to = 1.0, rows = 200, meanPredicted = 0.2, observedRate = 0.2 + ece } },
            baselineCalibration = new[] { new { from = 0.0, to = 1.0, rows = 200, meanPredicted = 0.2, observedRate = 0.25 } },
            warnings = version == First ? ["Only 12 validation rows were accepted: AUC is uncertain."] : Array.Empty<string>(),
        }));
}
