namespace NextBestAction.Training.History;

/// <summary>What training needs from the service's store to read the decision log lawfully.</summary>
public interface IDecisionLogAccess
{
    /// <summary>The key of <paramref name="subject"/>, or null when there is none (the customer was erased, or the key expired).</summary>
    byte[]? KeyOf(string subject);

    /// <summary>
    /// Why the customer's decisions must not be learnt from now (<c>objection</c> to profiling, or processing
    /// <c>restriction</c>), or null when they may.
    /// </summary>
    string? Withheld(string customerId);
}
