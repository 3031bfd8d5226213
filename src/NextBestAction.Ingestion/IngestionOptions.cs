using System.ComponentModel.DataAnnotations;

namespace NextBestAction.Ingestion;

/// <summary>
/// Settings under <c>Ingestion</c>. Adding one: a property here with its default and range, and a line in
/// docs/configuration.md.
/// </summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Events larger than this are dead-lettered unread.</summary>
    [Range(1024, 10 * 1024 * 1024, ErrorMessage = "Ingestion:MaxEventBytes must be between 1024 and 10485760.")]
    public int MaxEventBytes { get; set; } = 64 * 1024;

    /// <summary>How far in the future an event's time may lie before it is dead-lettered as a clock error.</summary>
    [Range(0, 86_400, ErrorMessage = "Ingestion:MaxClockSkewSeconds must be between 0 and 86400.")]
    public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>
    /// How many days in the past an event's time may lie before it is dead-lettered (a wrong clock or a default date).
    /// Raise it to replay older history on purpose.
    /// </summary>
    [Range(1, 36_500, ErrorMessage = "Ingestion:MaxEventAgeDays must be between 1 and 36500.")]
    public int MaxEventAgeDays { get; set; } = 30;

    /// <summary>Most messages handled in one micro-batch (one pipelined Redis round trip per step).</summary>
    [Range(1, 10_000, ErrorMessage = "Ingestion:MaxBatchSize must be between 1 and 10000.")]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How long a batch waits to fill once its first message is in.</summary>
    [Range(0, 1_000, ErrorMessage = "Ingestion:MaxBatchWaitMs must be between 0 and 1000.")]
    public int MaxBatchWaitMs { get; set; } = 5;

    /// <summary>Profiles each consumer keeps in memory between batches (0 turns the cache off); every write is still checked against Redis.</summary>
    [Range(0, 1_000_000, ErrorMessage = "Ingestion:ProfileCacheSize must be between 0 and 1000000.")]
    public int ProfileCacheSize { get; set; } = 10_000;
}
