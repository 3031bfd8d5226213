using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Profiles.Privacy;

/// <summary>
/// Settings under <c>Privacy</c>. Adding one: a property here with its default, a line in docs/configuration.md,
/// and the environment variable in docker-compose.yml/deploy when it differs there.
/// </summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// Base64 key (at least 32 bytes) of the keyed hash that stands for a customer in the erasure list and in receipts.
    /// Empty: a random key is made once and kept in Redis. Never change it once set: erased customers' old events would
    /// no longer be recognised on a replay.
    /// </summary>
    public string SubjectHashKey { get; set; } = "";

    /// <summary>How long a privacy request's receipt is kept, as proof of what was done.</summary>
    [Range(1, 3650, ErrorMessage = "Privacy:ReceiptRetentionDays must be between 1 and 3650.")]
    public int ReceiptRetentionDays { get; set; } = 1095;

    /// <summary>
    /// How long a customer's decision-log key lives after their last decision. Keep it at least the retention of
    /// <c>nba.decisions</c> (365 days in docker-compose and k8s): records older than their key can no longer be read.
    /// </summary>
    [Range(1, 3650, ErrorMessage = "Privacy:DecisionLogKeyDays must be between 1 and 3650.")]
    public int DecisionLogKeyDays { get; set; } = 400;

    /// <summary>How often the ingestion worker's retention sweep runs (<see cref="RetentionSweeper"/>).</summary>
    [Range(1, 720, ErrorMessage = "Privacy:RetentionSweepHours must be between 1 and 720.")]
    public int RetentionSweepHours { get; set; } = 24;

    /// <summary>How long the sweep waits before it looks again at index members without a profile (a new customer's first write may be behind).</summary>
    [Range(0, 600, ErrorMessage = "Privacy:RetentionRecheckSeconds must be between 0 and 600.")]
    public int RetentionRecheckSeconds { get; set; } = 10;

    /// <summary>Keys asked for per SCAN call while erasure looks for a customer's keys and index memberships.</summary>
    [Range(10, 100_000, ErrorMessage = "Privacy:ScanPageSize must be between 10 and 100000.")]
    public int ScanPageSize { get; set; } = 1000;
}
