namespace Graystep.Sandbox.Traffic;

/// <summary>
/// SplitMix64: a tiny deterministic PRNG. The sandbox does not use <see cref="Random"/> so that a seed gives the
/// same request sequence on every runtime version.
/// </summary>
internal sealed class Prng(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, count).</summary>
    public int NextInt(int count) => count <= 1 ? 0 : (int)(NextUInt64() % (ulong)count);

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>The SplitMix64 finalizer: a good 64-bit hash for deriving stable per-user and per-app values.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a over a string, for seeding streams from names.</summary>
    public static ulong Hash(string text)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            h ^= c;
            h *= 0x100000001B3UL;
        }

        return Mix(h);
    }

    /// <summary>Maps a 64-bit hash to [0, 1).</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));
}
