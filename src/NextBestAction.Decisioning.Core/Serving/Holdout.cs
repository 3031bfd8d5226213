using NextBestAction.Contracts;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// The control group: a stable share of customers, picked by a hash of salt and customer id, that gets the
/// baseline policy so the uplift of the real policy can be measured. The same customer is always in the same
/// group for the same salt, on every instance, without storing anything.
/// </summary>
public sealed class Holdout(double percent, string salt)
{
    private const int Buckets = 10_000;

    private readonly int controlBuckets = (int)Math.Round(percent / 100 * Buckets);

    public bool IsControl(string customerId)
    {
        if (controlBuckets == 0)
        {
            return false;
        }

        return (int)(StableHash.Mixed($"{salt}:{customerId}") % Buckets) < controlBuckets;
    }
}
