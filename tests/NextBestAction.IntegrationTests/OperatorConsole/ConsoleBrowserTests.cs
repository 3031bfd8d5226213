using System.Globalization;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.OperatorConsole.Auth;
using NextBestAction.OperatorConsole.Metrics;
using OpenQA.Selenium;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The console in a real headless Chromium against the decision API on Kestrel: sign in with a key, the overview with a
/// measured figure and its chart, sign out, a key without the console scope refused; no error in the browser's console.
/// </summary>
public sealed class ConsoleBrowserTests(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
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
    public async Task SignIn_Overview_SignOut()
    {
        var console = new Uri(factory.BaseAddress, "/console");
        using var webshop = factory.CreateWebshopClient();
        await NbaServerFactory.DecideUntilAsync(webshop, new { customerId = "cust-console-1", touchpoint = "checkout" }, _ => true, TimeSpan.Zero);

        browser.GoTo(console);
        Assert.Equal("/console/signin", new Uri(browser.Driver.Url).AbsolutePath);
        browser.Screenshot("console-signin");
        browser.SignIn(ConsoleServerFactory.OperatorKey, landsOn: "signed-in-as");

        Assert.Equal("/console", new Uri(browser.Driver.Url).AbsolutePath);
        Assert.Equal("Signed in as operator", browser.Driver.FindElement(By.Id("signed-in-as")).Text);
        // The sampler closes a sample every second; decide until the tile shows a rate and the chart has two samples.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        double? rate = null;
        while (DateTime.UtcNow < deadline && (rate is not > 0 || browser.Driver.FindElements(By.CssSelector("#overview-chart svg path")).Count == 0))
        {
            await NbaServerFactory.DecideUntilAsync(webshop, new { customerId = "cust-console-1", touchpoint = "checkout" }, _ => true, TimeSpan.Zero);
            await Task.Delay(250);
            browser.Driver.Navigate().Refresh();
            rate = double.TryParse(browser.Driver.FindElement(By.Id("decisions-per-second")).Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : null;
        }

        Assert.True(rate > 0, $"the overview showed no decision rate within 30 s: \"{browser.Driver.FindElement(By.Id("decisions-per-second")).Text}\"");
        Assert.NotEmpty(browser.Driver.FindElements(By.CssSelector("#overview-chart svg path")));
        Assert.Matches(@"^\d+\.\d$", browser.Driver.FindElement(By.Id("decision-p99")).Text);
        Assert.Equal(FigureFormat.NotMeasuredHere, browser.Driver.FindElement(By.Id("consumer-lag")).Text);
        Assert.Equal(FigureFormat.NotMeasuredHere, browser.Driver.FindElement(By.Id("event-freshness")).Text);
        Assert.Contains("sampled in memory every 1 s", browser.Driver.FindElement(By.Id("sampling-note")).Text, StringComparison.Ordinal);
        browser.Screenshot("console-overview");

        browser.Submit("sign-out", landsOn: "signed-out");

        Assert.Equal("/console/signin", new Uri(browser.Driver.Url).AbsolutePath);
        Assert.Equal("You are signed out.", browser.Driver.FindElement(By.Id("signed-out")).Text);
        browser.Screenshot("console-signed-out");
        browser.GoTo(console);
        Assert.Equal("/console/signin", new Uri(browser.Driver.Url).AbsolutePath);
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public void SignIn_KeyWithoutConsoleScope_RefusedWithTheReason()
    {
        browser.GoTo(new Uri(factory.BaseAddress, "/console/signin"));

        browser.SignIn(NbaServerFactory.WebshopKey, landsOn: "signin-error");

        Assert.Equal("/console/signin", new Uri(browser.Driver.Url).AbsolutePath);
        Assert.Equal(ConsoleSignIn.NoConsoleScopeMessage, browser.Driver.FindElement(By.Id("signin-error")).Text);
        Assert.Empty(browser.Driver.FindElements(By.Id("signed-in-as")));
        Assert.Equal("", browser.Driver.FindElement(By.Id("api-key")).GetDomProperty("value"));
        Assert.DoesNotContain(NbaServerFactory.WebshopKey, browser.Driver.PageSource, StringComparison.Ordinal);
        browser.Screenshot("console-signin-refused");
        Assert.Empty(browser.ConsoleErrors());
    }
}
