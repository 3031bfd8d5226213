using System.Globalization;

namespace NextBestAction.Simulator;

/// <summary>The ids of simulated customers: <c>cust-</c> followed by the number 1..Customers, zero-padded to 5 digits.</summary>
public static class SimulatedCustomers
{
    public const string Prefix = "cust-";

    /// <summary>The id of customer <paramref name="n"/> (1-based): 1 gives <c>cust-00001</c>, 2000 gives <c>cust-02000</c>.</summary>
    public static string Id(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{n:D5}");
    }
}
