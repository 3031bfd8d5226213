using NextBestAction.Testing;
using NextBestAction.Server.Embedded;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(NextBestAction.IntegrationTests.Fixtures.GarnetFixture))]

namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>The embedded Garnet server the all-in-one host uses, as a second Redis backend.</summary>
public sealed class GarnetFixture : IAsyncLifetime
{
    private EmbeddedRedis? garnet;

    public string Configuration => garnet!.Endpoint;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        garnet = EmbeddedRedis.Start();
        Connection = await RedisServerLauncher.ConnectWhenReadyAsync(garnet.Endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        garnet?.Dispose();
    }
}
