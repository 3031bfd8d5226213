using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.IntegrationTests.Privacy;

/// <summary>The receipts' index on a real redis-server: the latest requests newest first, pruned to the receipts' retention.</summary>
public sealed class PrivacyReceiptIndexTests(RedisServerFixture redis)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly string prefix = $"receipts{Guid.NewGuid():N}"[..16];

    private PrivacyReceipts Receipts() => new(redis.Connection, Options.Create(new RedisOptions { KeyPrefix = prefix }),
        Options.Create(new PrivacyOptions { ReceiptRetentionDays = 1 }));

    [Fact]
    public async Task Latest_NewestFirst_AtMostTheCountAskedFor()
    {
        var receipts = Receipts();
        for (var i = 0; i < 4; i++)
        {
            await receipts.SaveAsync(Receipt($"{i:x32}", Now.AddMinutes(i)));
        }

        var latest = await receipts.LatestAsync(3, Now.AddMinutes(4));

        Assert.Equal([$"{3:x32}", $"{2:x32}", $"{1:x32}"], latest.Select(r => r.RequestId));
        Assert.Equal("privacy-desk", latest[0].RequestedBy);
    }

    [Fact]
    public async Task Save_PrunesIndexEntriesPastTheRetention_AndLatestSkipsThem()
    {
        var receipts = Receipts();
        var db = redis.Connection.GetDatabase();
        var index = PrivacyReceipts.IndexKeyName(prefix);
        await receipts.SaveAsync(Receipt($"{1:x32}", Now.AddDays(-3)));
        await receipts.SaveAsync(Receipt($"{2:x32}", Now.AddHours(-25)));
        Assert.Empty(await receipts.LatestAsync(10, Now));

        await receipts.SaveAsync(Receipt($"{3:x32}", Now));

        Assert.Equal([$"{3:x32}"], (await db.SortedSetRangeByRankAsync(index)).Select(m => (string)m!));
        Assert.Equal([$"{3:x32}"], (await receipts.LatestAsync(10, Now)).Select(r => r.RequestId));
    }

    [Fact]
    public async Task Latest_SkipsAnIndexEntryWhoseReceiptIsGone()
    {
        var receipts = Receipts();
        await receipts.SaveAsync(Receipt($"{1:x32}", Now.AddMinutes(-1)));
        await receipts.SaveAsync(Receipt($"{2:x32}", Now));
        await redis.Connection.GetDatabase().KeyDeleteAsync($"{prefix}:privacy:request:{2:x32}");

        Assert.Equal([$"{1:x32}"], (await receipts.LatestAsync(10, Now)).Select(r => r.RequestId));
    }

    private static PrivacyReceipt Receipt(string requestId, DateTimeOffset at) =>
        PrivacyReceipt.ForErasure(requestId, at, new ErasureOutcome("ab12", at, null, [new("profile", 1)]), "privacy-desk");
}
