namespace NextBestAction.Training.Propensity;

/// <summary>The examples split by time: the latest decisions are the validation set.</summary>
internal sealed record TrainingSet(
    IReadOnlyList<string> Features,
    IReadOnlyList<TrainingExample> Training,
    IReadOnlyList<TrainingExample> Validation,
    HistoryCounts Counts)
{
    public DateTimeOffset? From => Training.Count > 0 ? Training[0].At : Validation.Count > 0 ? Validation[0].At : null;

    public DateTimeOffset? To => Validation.Count > 0 ? Validation[^1].At : Training.Count > 0 ? Training[^1].At : null;

    public DateTimeOffset? ValidationFrom => Validation.Count > 0 ? Validation[0].At : null;
}

/// <summary>What reading and joining found, for the report.</summary>
internal sealed record HistoryCounts
{
    public long DecisionEvents { get; init; }

    public int Decisions { get; init; }

    public int DuplicateDecisions { get; init; }

    public int DecisionsWithoutChoice { get; init; }

    public int ChosenWithoutCandidate { get; init; }

    public long OutcomeEvents { get; init; }

    public int Accepted { get; init; }

    public int Declined { get; init; }

    public int Ignored { get; init; }

    /// <summary>Pairs with both an acceptance and a decline or ignore: counted as accepted.</summary>
    public int ConflictingOutcomes { get; init; }

    /// <summary>Acceptances whose decision and action are not among the logged decisions' choices (log dropped, or a different period).</summary>
    public int AcceptedWithoutDecision { get; init; }

    public long UnreadableEvents { get; init; }

    /// <summary>Sealed decisions whose customer's key is gone (erased): skipped, as erasure intends.</summary>
    public long ShreddedDecisions { get; init; }

    /// <summary>Decisions of customers who object to profiling or whose processing is restricted: skipped.</summary>
    public long WithheldDecisions { get; init; }

    /// <summary>Events of other types in the sources, skipped.</summary>
    public long OtherEvents { get; init; }

    public int Rows { get; init; }

    public int Positives { get; init; }

    /// <summary>Per feature, how many rows lacked it in the log and got 0 (older service versions logged fewer attributes).</summary>
    public IReadOnlyDictionary<string, int> MissingFeatureValues { get; init; } = new Dictionary<string, int>();

    /// <summary>The first few unreadable events, with where they were read.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Model versions that logged the decisions, with how many rows each.</summary>
    public IReadOnlyDictionary<string, int> LoggedModelVersions { get; init; } = new Dictionary<string, int>();
}
