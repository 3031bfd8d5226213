using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Models;

namespace NextBestAction.Training.Evaluation;

/// <summary>The candidate model's propensity for a logged candidate, computed from what the decision log holds.</summary>
public interface ICandidatePropensity
{
    /// <summary>Names the model in reports.</summary>
    string Name { get; }

    double Propensity(DecisionLogRecord record, LoggedCandidate candidate);
}

/// <summary>
/// A trained propensity model (validated as serving validates it) scored on the logged features: the record's customer-level values, the candidate's
/// <c>action.*</c> values and the derived features, exactly as the trainer builds its rows. Features the log lacks
/// count as 0 and are counted.
/// </summary>
public sealed class TreeEnsembleCandidatePropensity : ICandidatePropensity
{
    private readonly TreeEnsembleModel model;
    private readonly bool[] actionLevel;
    private readonly double[] values;

    public TreeEnsembleCandidatePropensity(TreeEnsemblePropensityModel propensityModel)
    {
        ArgumentNullException.ThrowIfNull(propensityModel);
        model = propensityModel.Model;
        actionLevel = [.. model.Features.Select(ModelFeatures.IsActionLevel)];
        values = new double[model.FeatureCount];
    }

    public string Name => model.Version;

    /// <summary>Feature values the log did not hold, summed over every candidate scored.</summary>
    public long MissingValues { get; private set; }

    /// <remarks>Reuses one buffer: not thread-safe, as an evaluation is one loop.</remarks>
    public double Propensity(DecisionLogRecord record, LoggedCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(candidate);
        for (var i = 0; i < values.Length; i++)
        {
            var name = model.Features[i];
            double value;
            var found = actionLevel[i]
                ? ModelFeatures.TryDerive(name, candidate.Kind, out value) || (candidate.Features is { } logged && logged.TryGetValue(name, out value))
                : record.Features.TryGetValue(name, out value);
            if (!found)
            {
                MissingValues++;
            }

            values[i] = value;
        }

        return model.Probability(values);
    }
}

/// <summary>
/// The rules-only prior. Its inputs (profile details, the action's catalog fields) are not all in the log, so it
/// stands on the propensity the log holds: exact for decisions the prior logged without adaptive correction, and
/// <see cref="LoggedBy"/> says whether that is the case.
/// </summary>
public sealed class LoggedPriorPropensity : ICandidatePropensity
{
    private static readonly string PriorVersion = new PriorPropensityModel().Version;

    public string Name => PriorVersion;

    /// <summary>Whether the record was scored by the prior, so its logged propensities are the prior's.</summary>
    public static bool LoggedBy(DecisionLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.ModelVersion == PriorVersion;
    }

    public double Propensity(DecisionLogRecord record, LoggedCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.Propensity;
    }
}
