namespace NextBestAction.Ingestion;

/// <summary>The stages of <c>nba.ingestion.stage.time</c>, so the next bottleneck of ingestion shows on a dashboard.</summary>
public static class IngestionStages
{
    /// <summary>Parsing and validating the batch's records.</summary>
    public const string Read = "read";

    /// <summary>Applying events to the loaded profiles, with the observers (KPIs, notifications) and their writes.</summary>
    public const string Apply = "apply";

    /// <summary>Encoding the changed profiles' parts.</summary>
    public const string Encode = "encode";

    /// <summary>Waiting for Redis: the profile loads and the compare-and-set writes.</summary>
    public const string Redis = "redis";
}
