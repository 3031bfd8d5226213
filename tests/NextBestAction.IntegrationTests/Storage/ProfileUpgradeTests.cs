using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using NextBestAction.Contracts;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.IntegrationTests.Reliability;
using NextBestAction.Profiles;
using NextBestAction.Testing;

namespace NextBestAction.IntegrationTests.Storage;

/// <summary>
/// An upgrade in place: Redis holds profiles as release 1 stored them (one JSON value, kept in LegacyProfiles/ from the
/// simulated shop). The new release decides on them, applies new events to them and rewrites them as binary parts,
/// with nothing lost.
/// </summary>
public sealed class ProfileUpgradeTests(KafkaFixture kafka, RedisServerFixture redis)
    : RunningServerTests<ProfileUpgradeTests.PatientServerFactory>(new PatientServerFactory(kafka, redis))
{
    /// <summary>
    /// The server with a generous profile-read budget: this test asks whether decisions read the stored profiles, and a
    /// read over the production budget on a loaded test machine would answer degraded, without reading them.
    /// </summary>
    public sealed class PatientServerFactory(KafkaFixture kafka, RedisServerFixture redis) : NbaServerFactory(kafka, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Decisions:ProfileReadBudgetMs", "2000");
        }
    }

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private static string FixtureDirectory => Path.Combine(RepositoryPaths.Root, "tests", "NextBestAction.IntegrationTests", "Storage", "LegacyProfiles");

    [Fact]
    public async Task Release1Profiles_AreDecidedOnUpdatedAndRewrittenAsParts_WithNothingLost()
    {
        using var client = Factory.CreateWebshopClient();
        var store = Factory.ProfileStore;
        var db = store.Database;
        var legacy = new Dictionary<string, CustomerProfile>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(FixtureDirectory, "*.profile.json"))
        {
            var stored = await File.ReadAllBytesAsync(file);
            var temporary = await File.ReadAllBytesAsync(file.Replace(".profile.json", ".temp.json", StringComparison.Ordinal));
            var profile = ProfileFormat.DecodeLegacyJson(stored);
            Assert.NotNull(ProfileFormat.DecodeTemporary(temporary).Session);
            // The server's key prefix is this test's own, so the customers keep the ids they were stored with.
            var customer = profile.CustomerId;
            await db.StringSetAsync(store.Keys.Profile(customer), stored);
            await db.StringSetAsync(store.Keys.Temporary(customer), temporary);
            await db.StringSetAsync(store.Keys.Version(customer), 5);
            legacy[customer] = profile;
        }

        Assert.True(legacy.Count >= 5, $"{legacy.Count} legacy profiles in {FixtureDirectory}");
        Assert.Contains(legacy.Values, p => p.OpenOrders.Count > 0 && p.ClosedOrders.Count > 0);
        Assert.Contains(legacy.Values, p => p.RecentEvents.Count > 0 && p.AppliedOffsets.Count > 0);

        // Decided on as stored: the whole profile is there (the API's view of it equals the stored JSON's).
        foreach (var (customer, profile) in legacy)
        {
            var decision = await NbaServerFactory.DecideUntilAsync(client, new { customerId = customer, touchpoint = "checkout", channel = "web" }, _ => true, TimeSpan.Zero);
            Assert.False(decision.Degraded, $"{customer}: {decision.DegradedReason}");
            var read = (await store.GetAsync(customer, DateTimeOffset.UtcNow))!;
            Assert.Equal(Json(profile), Json(read));
        }

        // One new event each: applied to the stored profile, which is then written as the two binary parts.
        var updater = new ProfileUpdater(ProfileRules.Default);
        var expected = new Dictionary<string, CustomerProfile>(StringComparer.Ordinal);
        foreach (var (customer, profile) in legacy)
        {
            var value = CloudEvents.Create("cart.item_added", customer,
                new { productId = "p-after-upgrade", category = "phones", productLine = "pixel", price = 899.0, quantity = 1 }, DateTimeOffset.UtcNow.AddSeconds(-5));
            var delivered = await kafka.ProduceAsync(Factory.Topics.Clickstream, customer, value);
            var e = EventReader.Read(value, DateTimeOffset.UtcNow, EventLimits.Default).Event!;
            var copy = ProfileFormat.DecodeLegacyJson(JsonSerializer.SerializeToUtf8Bytes(profile, ProfilesJsonContext.Default.CustomerProfile));
            updater.Apply(copy, e, $"{delivered.Topic}/{delivered.Partition.Value}", delivered.Offset.Value);
            ProfileUpdater.MigrateLegacyEventHashes(copy);
            expected[customer] = copy;
        }

        foreach (var (customer, want) in expected)
        {
            Assert.True(
                await Wait.UntilAsync(async () => (long)await db.StringGetAsync(store.Keys.Version(customer)) == 6, MaxWait, TimeSpan.FromMilliseconds(100)),
                $"{customer}: the new event was not written");
            var stored = (byte[])(await db.StringGetAsync(store.Keys.Profile(customer)))!;
            Assert.Equal(ProfileFormat.BinaryV1, stored[0]);
            Assert.True(await db.KeyExistsAsync(store.Keys.Bookkeeping(customer)), $"{customer}: no bookkeeping part");

            var read = (await store.GetAsync(customer, DateTimeOffset.UtcNow))!;
            Assert.Equal(Json(want), Json(read));
            Assert.Contains(read.Cart, line => line.ProductId == "p-after-upgrade");
        }

        // And decided on again, now from the binary decision part.
        var upgraded = expected.Keys.First();
        var after = await client.PostAsJsonAsync("/v1/decisions", new { customerId = upgraded, touchpoint = "checkout", channel = "web" });
        after.EnsureSuccessStatusCode();
        Assert.False((await after.Content.ReadFromJsonAsync<DecisionDto>())!.Degraded);
    }

    private static string Json(CustomerProfile profile) => JsonSerializer.Serialize(profile, ProfilesJsonContext.Default.CustomerProfile);
}
