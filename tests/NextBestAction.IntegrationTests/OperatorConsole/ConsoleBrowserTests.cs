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
public sealed class ConsoleBrowserTests(KafkaFixture kafka, RedisServerFixture redis) : ConsoleBrowserTest(kafka, redis)
{

    [Fact]
    public async Task SignIn_Overview_SignOut()
    {
        var console = new Uri(Factory.BaseAddress, "/console");
        using var webshop = Factory.CreateWebshopClient();
        await NbaServerFactory.DecideUntilAsync(webshop, new { customerId = "cust-console-1", touchpoint = "checkout" }, _ => true, TimeSpan.Zero);

        Browser.GoTo(console);
        Assert.Equal("/console/signin", new Uri(Browser.Driver.Url).AbsolutePath);
        Browser.Screenshot("console-signin");
        Browser.SignIn(ConsoleServerFactory.OperatorKey, landsOn: "signed-in-as");

        Assert.Equal("/console", new Uri(Browser.Driver.Url).AbsolutePath);
        Assert.Equal("Signed in as operator", Browser.Driver.FindElement(By.Id("signed-in-as")).Text);
        // The sampler closes a sample every second; decide until the tile shows a rate and the chart has two samples.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        double? rate = null;
        while (DateTime.UtcNow < deadline && (rate is not > 0 || Browser.Driver.FindElements(By.CssSelector("#overview-chart svg path")).Count == 0))
        {
            await NbaServerFactory.DecideUntilAsync(webshop, new { customerId = "cust-console-1", touchpoint = "checkout" }, _ => true, TimeSpan.Zero);
            await Task.Delay(250);
            Browser.Driver.Navigate().Refresh();
            rate = double.TryParse(Browser.Driver.FindElement(By.Id("decisions-per-second")).Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : null;
        }

        Assert.True(rate > 0, $"the overview showed no decision rate within 30 s: \"{Browser.Driver.FindElement(By.Id("decisions-per-second")).Text}\"");
        Assert.NotEmpty(Browser.Driver.FindElements(By.CssSelector("#overview-chart svg path")));
        Assert.Matches(@"^\d+\.\d$", Browser.Driver.FindElement(By.Id("decision-p99")).Text);
        Assert.Equal(FigureFormat.NotMeasuredHere, Browser.Driver.FindElement(By.Id("consumer-lag")).Text);
        Assert.Equal(FigureFormat.NotMeasuredHere, Browser.Driver.FindElement(By.Id("event-freshness")).Text);
        Assert.Contains("sampled in memory every 1 s", Browser.Driver.FindElement(By.Id("sampling-note")).Text, StringComparison.Ordinal);
        Browser.Screenshot("console-overview");

        Browser.Submit("sign-out", landsOn: "signed-out");

        Assert.Equal("/console/signin", new Uri(Browser.Driver.Url).AbsolutePath);
        Assert.Equal("You are signed out.", Browser.Driver.FindElement(By.Id("signed-out")).Text);
        Browser.Screenshot("console-signed-out");
        Browser.GoTo(console);
        Assert.Equal("/console/signin", new Uri(Browser.Driver.Url).AbsolutePath);
        Assert.Empty(Browser.ConsoleErrors());
    }

    [Fact]
    public void SignIn_KeyWithoutConsoleScope_RefusedWithTheReason()
    {
        Browser.GoTo(new Uri(Factory.BaseAddress, "/console/signin"));

        Browser.SignIn(NbaServerFactory.WebshopKey, landsOn: "signin-error");

        Assert.Equal("/console/signin", new Uri(Browser.Driver.Url).AbsolutePath);
        Assert.Equal(ConsoleSignIn.NoConsoleScopeMessage, Browser.Driver.FindElement(By.Id("signin-error")).Text);
        Assert.Empty(Browser.Driver.FindElements(By.Id("signed-in-as")));
        Assert.Equal("", Browser.Driver.FindElement(By.Id("api-key")).GetDomProperty("value"));
        Assert.DoesNotContain(NbaServerFactory.WebshopKey, Browser.Driver.PageSource, StringComparison.Ordinal);
        Browser.Screenshot("console-signin-refused");
        Assert.Empty(Browser.ConsoleErrors());
    }
}
