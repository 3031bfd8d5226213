using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace NextBestAction.ServiceDefaults;

/// <summary>
/// Parent-based ratio sampling that can still keep what matters: a trace without a parent is sampled at the configured
/// ratio, a span with a parent follows the parent's decision, and every span that is not sampled is still recorded
/// (not exported), so <see cref="KeepFailedAndSlowProcessor"/> can keep it when it fails or runs slow.
/// </summary>
public sealed class RatioSampler(double ratio) : Sampler
{
    private readonly TraceIdRatioBasedSampler roots = new(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        var sampled = parent.TraceId != default
            ? (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
            : roots.ShouldSample(samplingParameters).Decision == SamplingDecision.RecordAndSample;
        return new SamplingResult(sampled ? SamplingDecision.RecordAndSample : SamplingDecision.RecordOnly);
    }
}

/// <summary>
/// Keeps spans the sampler passed over when they end in error, or when a decision span (<see cref="DecisionSpanName"/>)
/// takes longer than the slow threshold; their ancestors that end later are kept with them, so the request that
/// carried a slow decision shows too. Must be added before the exporters.
/// </summary>
public sealed class KeepFailedAndSlowProcessor(TimeSpan slowDecision) : BaseProcessor<Activity>
{
    public const string DecisionSpanName = "decide";

    private const string KeepProperty = "nba.keep";

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Recorded)
        {
            return;
        }

        var keep = data.Status == ActivityStatusCode.Error
            || (data.OperationName == DecisionSpanName && data.Duration >= slowDecision)
            || data.GetCustomProperty(KeepProperty) is true;
        if (keep)
        {
            data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
            data.Parent?.SetCustomProperty(KeepProperty, true);
        }
    }
}
