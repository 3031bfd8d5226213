using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.OperatorConsole.Customers;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;
using NextBestAction.Testing;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>The customer viewer's read when Redis does not answer: nothing, instead of an error page.</summary>
public sealed class CustomerLookupTests
{
    [Fact]
    public async Task Read_RedisUnreachable_NothingShown()
    {
        var port = RedisServerLauncher.FreePort();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            $"127.0.0.1:{port},abortConnect=false,connectTimeout=200,syncTimeout=200,asyncTimeout=200,connectRetry=0");
        var options = Options.Create(new RedisOptions { Configuration = "unused", KeyPrefix = "unreachable" });
        var hasher = new SubjectHasher(redis, Options.Create(new PrivacyOptions { SubjectHashKey = Convert.ToBase64String(new byte[32]) }), options);
        var lookup = new CustomerLookup(
            new CustomerExport(new RedisProfileStore(redis, options), redis),
            new CatalogProvider(Options.Create(new DecisionOptions()), NullLogger<CatalogProvider>.Instance),
            new PersonalDataAudit(hasher, NullLoggerFactory.Instance),
            TimeProvider.System);

        Assert.Null(await lookup.ReadAsync(new DefaultHttpContext(), "cust-unreachable"));
    }
}
