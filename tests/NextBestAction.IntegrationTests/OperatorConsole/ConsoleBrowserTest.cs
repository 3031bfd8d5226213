using System.Net;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// A browser test of the console: the decision API on Kestrel (<see cref="ConsoleServerFactory"/>) and a headless
/// Chromium of the test's own, both ended after each test.
/// </summary>
public abstract class ConsoleBrowserTest(KafkaFixture kafka, RedisServerFixture redis) : IAsyncLifetime
{
    protected ConsoleServerFactory Factory { get; } = new(kafka, redis);

    protected HeadlessChromium Browser { get; } = new();

    /// <summary>The Redis the server uses, for tests that check what it holds.</summary>
    protected RedisServerFixture Redis { get; } = redis;

    /// <summary>A client carrying the browser's cookies (the console session and the antiforgery cookie), to post a form as the page would.</summary>
    protected HttpClient ClientWithBrowserCookies()
    {
        var cookies = new CookieContainer();
        foreach (var cookie in Browser.Driver.Manage().Cookies.AllCookies)
        {
            cookies.Add(Factory.BaseAddress, new System.Net.Cookie(cookie.Name, cookie.Value, cookie.Path));
        }

        return Factory.CreateBrowserLikeClient(cookies);
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    // xunit v3 calls only DisposeAsync on a class that has both it and Dispose, so the browser is quit here.
    public virtual async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
