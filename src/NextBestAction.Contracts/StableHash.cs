namespace NextBestAction.Contracts;

/// <summary>Hashes that stay the same across processes, machines and .NET versions, unlike string.GetHashCode.</summary>
public static class StableHash
{
    /// <summary>FNV-1a, 64 bit, over the UTF-16 code units.</summary>
    public static ulong Fnv1a64(string text)
    {
        const ulong offsetBasis = 14695981039346656037;
        const ulong prime = 1099511628211;
        var hash = offsetBasis;
        foreach (var c in text)
        {
            hash = (hash ^ c) * prime;
        }

        return hash;
    }

    /// <summary>FNV-1a with a final avalanche mix, so every bit (also the low ones a modulo reads) depends on the whole text.</summary>
    public static ulong Mixed(string text) => Mix(Fnv1a64(text));

    /// <summary>The SplitMix64 finalizer: spreads every input bit over the output.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1) from the top 53 bits.</summary>
    public static double Unit(ulong z) => (z >> 11) * (1.0 / (1UL << 53));
}
