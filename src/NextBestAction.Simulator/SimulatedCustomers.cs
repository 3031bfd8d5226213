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

    /// <summary>The number of the customer <paramref name="id"/> as <see cref="Id"/> writes it; false for any other text.</summary>
    public static bool TryParse(string? id, out int n)
    {
        if (id is not null && id.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(id.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out n)
            && n >= 1 && id == Id(n))
        {
            return true;
        }

        n = 0;
        return false;
    }
}
