namespace NextBestAction.Training.History;

/// <summary>Where training finds the customers' keys of sealed decision-log records.</summary>
public interface IDecisionLogKeyring
{
    /// <summary>The key of <paramref name="subject"/>, or null when there is none (the customer was erased, or the key expired).</summary>
    byte[]? KeyOf(string subject);
}
