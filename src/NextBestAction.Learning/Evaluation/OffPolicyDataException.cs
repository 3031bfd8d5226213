namespace NextBestAction.Learning.Evaluation;

/// <summary>
/// The logged samples or the target policy's output cannot be evaluated. The message names the sample (index and
/// id when it has one) and what is wrong with it; <see cref="SampleIndex"/> is null for problems of the whole log.
/// </summary>
public sealed class OffPolicyDataException(string message, int? sampleIndex = null, Exception? innerException = null)
    : ArgumentException(message, innerException)
{
    /// <summary>0-based index of the offending sample, or null when the problem is not one sample's.</summary>
    public int? SampleIndex { get; } = sampleIndex;
}
