using System.Diagnostics;
using NextBestAction.ServiceDefaults;
using OpenTelemetry.Trace;

namespace NextBestAction.UnitTests.Telemetry;

public sealed class TraceSamplingTests
{
    private static SamplingParameters Root() => new(default, ActivityTraceId.CreateRandom(), "decide", ActivityKind.Internal);

    private static SamplingParameters Child(bool parentSampled) => new(
        new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), parentSampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None),
        ActivityTraceId.CreateRandom(), "scoring", ActivityKind.Internal);

    [Theory]
    [InlineData(0.0, SamplingDecision.RecordOnly)]
    [InlineData(1.0, SamplingDecision.RecordAndSample)]
    public void Roots_FollowTheRatio_AndTheRestIsStillRecorded(double ratio, SamplingDecision expected)
    {
        Assert.Equal(expected, new RatioSampler(ratio).ShouldSample(Root()).Decision);
    }

    [Theory]
    [InlineData(true, SamplingDecision.RecordAndSample)]
    [InlineData(false, SamplingDecision.RecordOnly)]
    public void Children_FollowTheirParent_WhateverTheRatio(bool parentSampled, SamplingDecision expected)
    {
        Assert.Equal(expected, new RatioSampler(parentSampled ? 0 : 1).ShouldSample(Child(parentSampled)).Decision);
    }

    [Fact]
    public void RatioOfAHalf_SamplesAboutHalfOfTheRoots()
    {
        var sampler = new RatioSampler(0.5);

        var sampled = Enumerable.Range(0, 10_000).Count(_ => sampler.ShouldSample(Root()).Decision == SamplingDecision.RecordAndSample);

        Assert.InRange(sampled, 4_700, 5_300);
    }

    [Fact]
    public void FailedSpan_IsKept_AndSoIsItsParent()
    {
        var processor = new KeepFailedAndSlowProcessor(TimeSpan.FromMilliseconds(50));
        var parent = new Activity("POST /v1/decisions").Start();
        var failed = new Activity("profile read").Start();
        failed.SetStatus(ActivityStatusCode.Error, "over budget");
        failed.Stop();
        parent.Stop();
        failed.ActivityTraceFlags = parent.ActivityTraceFlags = ActivityTraceFlags.None;

        processor.OnEnd(failed);
        processor.OnEnd(parent);

        Assert.True(failed.Recorded);
        Assert.True(parent.Recorded);
    }

    [Fact]
    public void SlowDecision_IsKept_AFastOneAndOtherSlowSpansAreNot()
    {
        var processor = new KeepFailedAndSlowProcessor(TimeSpan.FromMilliseconds(50));
        var slow = Unsampled(KeepFailedAndSlowProcessor.DecisionSpanName, TimeSpan.FromMilliseconds(80));
        var fast = Unsampled(KeepFailedAndSlowProcessor.DecisionSpanName, TimeSpan.FromMilliseconds(5));
        var slowOther = Unsampled("ingest batch", TimeSpan.FromMilliseconds(500));

        processor.OnEnd(slow);
        processor.OnEnd(fast);
        processor.OnEnd(slowOther);

        Assert.True(slow.Recorded);
        Assert.False(fast.Recorded);
        Assert.False(slowOther.Recorded);
    }

    /// <summary>An ended activity as the SDK hands it to processors when the sampler recorded but did not sample it.</summary>
    private static Activity Unsampled(string name, TimeSpan duration)
    {
        var activity = new Activity(name);
        var start = DateTime.UtcNow;
        activity.SetStartTime(start);
        activity.Start();
        activity.ActivityTraceFlags = ActivityTraceFlags.None;
        activity.SetEndTime(start + duration);
        return activity;
    }
}
