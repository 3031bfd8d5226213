using System.Text.Json.Serialization;
using NextBestAction.Learning.Evaluation;
using NextBestAction.Training.Reporting;

namespace NextBestAction.Training.Evaluation;

/// <summary><c>evaluation.json</c>: what the candidate policy would have earned per decision on the logged decisions, by each estimator.</summary>
internal sealed record EvaluationReport
{
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The candidate model's version, or the prior's.</summary>
    public required string Model { get; init; }

    /// <summary><c>greedy</c> or <c>epsilon-greedy(e)</c>.</summary>
    public required string Policy { get; init; }

    public required ReportSources Sources { get; init; }

    public required SampleCounts Data { get; init; }

    /// <summary>Decisions evaluated: one sample per decision's first slot.</summary>
    public required int Samples { get; init; }

    /// <summary>The mean reward the logging policy earned on the same samples, for comparison.</summary>
    public required PolicyValue Logged { get; init; }

    /// <summary>IPS, SNIPS, DR and the direct method, in that order.</summary>
    public required IReadOnlyList<PolicyValue> Estimates { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>The real policy's measured uplift over the holdout (control) group; null when the log has no control decisions.</summary>
    public HoldoutUplift? Holdout { get; init; }

    /// <summary>The challenger (<c>--challenger</c>) beside this report's model, the champion; null without one.</summary>
    public ChallengerComparison? Challenger { get; init; }
}

/// <summary>One estimate of a policy's value (EUR per decision) with its 95% interval.</summary>
/// <param name="EffectiveSampleSize">Kish's effective sample size of the importance weights; null for the logged mean.</param>
/// <param name="Matched">Samples whose logged action the candidate policy could have chosen; null for the logged mean.</param>
internal sealed record PolicyValue(
    string Method, double Value, double StandardError, double Lower, double Upper, double? EffectiveSampleSize = null, int? Matched = null)
{
    public static PolicyValue From(OffPolicyEstimate estimate) => new(
        NameOf(estimate.Method),
        estimate.Value, estimate.StandardError, estimate.Interval.Lower, estimate.Interval.Upper, estimate.EffectiveSampleSize, estimate.MatchedCount);

    /// <summary>The estimator's name in reports.</summary>
    public static string NameOf(OffPolicyMethod method) => method switch
    {
        OffPolicyMethod.Ips => "IPS",
        OffPolicyMethod.SelfNormalizedIps => "SNIPS",
        OffPolicyMethod.DoublyRobust => "DR",
        _ => "DM",
    };
}

/// <summary>Source-generated JSON for <c>evaluation.json</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
