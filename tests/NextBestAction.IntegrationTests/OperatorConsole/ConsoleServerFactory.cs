using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NextBestAction.IntegrationTests.Fixtures;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// The decision API (the server without ingestion) on Kestrel at a free loopback port, so a browser can reach it over
/// real TCP: with a console-only key, metrics and engaged customers sampled every second and the host's log entries captured.
/// </summary>
public sealed class ConsoleServerFactory : NbaServerFactory
{
    public const string OperatorKey = "test-console-operator-key-0123456789";
    public const string OperatorName = "operator";

    public ConsoleServerFactory(KafkaFixture kafka, RedisServerFixture redis)
        : base(kafka, redis)
    {
        UseKestrel(0);
    }

    public CapturedLogs Logs { get; } = new();

    /// <summary>Settings of the test's own (for example its own catalog file or Redis key prefix), applied after the console's; set before the host starts.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>The address Kestrel listens on, for example <c>http://127.0.0.1:43127</c>; starts the host.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    /// <summary>A client that shows redirects instead of following them, with cookies kept when <paramref name="cookies"/> is set.</summary>
    public HttpClient CreateBrowserLikeClient(CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = BaseAddress,
        };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Server:RunIngestion", "false");
        builder.UseSetting("Console:SampleIntervalSeconds", "1");
        builder.UseSetting("Console:KpiSampleIntervalSeconds", "1");
        builder.UseSetting("Auth:ApiKeys:6:Name", OperatorName);
        builder.UseSetting("Auth:ApiKeys:6:Key", OperatorKey);
        builder.UseSetting("Auth:ApiKeys:6:Scopes:0", "console");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}
