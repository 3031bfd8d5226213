using System.Globalization;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.OperatorConsole.Catalog;

/// <summary>What a what-if replayed: the report, how many decisions were looked at and why some were left out.</summary>
/// <param name="Found">Recent decisions found in the outcome window (one per customer, the newest).</param>
/// <param name="SkippedNoProfiling">Customers left out because they objected to profiling or restricted processing.</param>
/// <param name="SkippedNoExplanation">Decisions left out because they showed nothing or kept no explanation.</param>
public sealed record WhatIfRun(WhatIfReport Report, int Found, int SkippedNoProfiling, int SkippedNoExplanation, string LiveVersion, string DraftVersion);

/// <summary>
/// Replays recent logged decisions against the live catalog and a draft: it takes the newest decision of up to
/// <c>sampleSize</c> customers still in the outcome window (decision ids are time-ordered version-7 GUIDs), reads each
/// one's record, explanation and outcome and the customer's profile and contact history as they are now, and runs
/// the decision engine on both catalogs with the logged decision's touch point, channel, cart and exploration seed.
/// Nothing is written.
/// </summary>
public sealed class WhatIfReplay(
    IConnectionMultiplexer redis,
    RedisProfileStore profiles,
    DecisionRecordStore records,
    ContactHistoryStore contacts,
    DecisionEngine engine,
    TimeProvider clock)
{
    public const int MaxSampleSize = 2000;

    /// <summary>Decision keys read at the most while looking for the newest ones, so a what-if stays quick on a large store.</summary>
    private const int MaxKeysScanned = 50_000;

    private const int ReadChunk = 100;

    public async Task<WhatIfRun> RunAsync(ActionCatalog live, ActionCatalog draft, int sampleSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(draft);
        sampleSize = Math.Clamp(sampleSize, 1, MaxSampleSize);
        var newest = await NewestDecisionPerCustomerAsync(sampleSize);
        var now = clock.GetUtcNow();
        var replayed = new List<ReplayedDecision>(newest.Count);
        int noProfiling = 0, noExplanation = 0;
        foreach (var chunk in newest.Chunk(ReadChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var audited = await Task.WhenAll(chunk.Select(d => records.GetAuditedAsync(d.DecisionId, d.CustomerId)));
            var batch = profiles.Database.CreateBatch();
            var reads = chunk.Select(d => (Profile: profiles.QueueRead(batch, d.CustomerId), History: contacts.QueueRead(batch, d.CustomerId))).ToArray();
            batch.Execute();
            for (var i = 0; i < chunk.Length; i++)
            {
                var (decisionId, customerId) = chunk[i];
                if (audited[i] is not { Explanation.Actions: [var shown, ..] } decision || shown.Probability is not (> 0 and <= 1))
                {
                    noExplanation++;
                    continue;
                }

                var profile = RedisProfileStore.FromRead(customerId, await reads[i].Profile, now);
                if (profile?.Consent.ProfilingStopped == true)
                {
                    noProfiling++;
                    continue;
                }

                var history = ContactHistory.FromEntries(await reads[i].History, now);
                var input = new DecisionInput(profile, history, decision.Record.Touchpoint, decision.Explanation.Channel ?? DecisionService.DefaultChannel,
                    decision.Explanation.Cart ?? [], now,
                    MaxActions: 1, ExplorationSeed: DecisionService.SeedOf(Guid.ParseExact(decisionId, "N")), Explain: false);
                var reward = decision.Outcomes.GetValueOrDefault(shown.ActionId) == OutcomeService.Accepted ? shown.Value : 0;
                replayed.Add(new ReplayedDecision(shown.ActionId, shown.Probability, reward, FirstSlot(engine.Decide(input, live)), FirstSlot(engine.Decide(input, draft))));
            }
        }

        return new WhatIfRun(WhatIf.Compare(replayed), newest.Count, noProfiling, noExplanation, live.Version, draft.Version);
    }

    private static SlotChoice[] FirstSlot(EngineDecision decision) =>
        [.. decision.Ranked.Select((c, i) => new SlotChoice(c.Action.Id, decision.FirstSlotProbabilities[i])).Where(c => c.Probability > 0)];

    /// <summary>The newest decision of each customer among the newest decision keys, newest first, up to <paramref name="customers"/>.</summary>
    private async Task<List<(string DecisionId, string CustomerId)>> NewestDecisionPerCustomerAsync(int customers)
    {
        var pattern = profiles.Keys.DecisionOwner("*");
        var prefixLength = pattern.Length - 1;
        var ids = new List<string>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(profiles.Database.Database, pattern, pageSize: 1000))
            {
                ids.Add(((string)key!)[prefixLength..]);
                if (ids.Count >= MaxKeysScanned)
                {
                    break;
                }
            }
        }

        // Version-7 GUIDs in "N" form sort by time as text.
        ids.Sort(StringComparer.Ordinal);
        ids.Reverse();
        var chosen = new List<(string, string)>(customers);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(ReadChunk))
        {
            // One GET per key, pipelined: the keys live in different cluster slots, so one MGET could not take them.
            var owners = await Task.WhenAll(chunk.Select(id => profiles.Database.StringGetAsync(profiles.Keys.DecisionOwner(id))));
            for (var i = 0; i < chunk.Length && chosen.Count < customers; i++)
            {
                if (!owners[i].IsNull && seen.Add((string)owners[i]!) && Guid.TryParseExact(chunk[i], "N", out _))
                {
                    chosen.Add((chunk[i], (string)owners[i]!));
                }
            }

            if (chosen.Count >= customers)
            {
                break;
            }
        }

        return chosen;
    }

    /// <summary>How the what-if's sample is described on the page.</summary>
    public static string Describe(WhatIfRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return string.Create(CultureInfo.InvariantCulture,
            $"{run.Report.Decisions} decisions replayed ({run.Found} recent customers found; {run.SkippedNoProfiling} left out for an objection or restriction, {run.SkippedNoExplanation} without a shown offer)");
    }
}
