namespace NextBestAction.Ingestion;

/// <summary>Counts of what one batch did, by outcome.</summary>
public sealed record BatchResult(int Applied, int Duplicates, int NoEffect, int DeadLettered, int UnknownType);
