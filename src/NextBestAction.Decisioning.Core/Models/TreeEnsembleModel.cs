using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NextBestAction.Decisioning.Models;

/// <summary>
/// A validated, immutable boosted tree ensemble with a logistic link (classifiers) or the identity (regressions), evaluated in our own tight loop: every tree is
/// flattened into one node array and one leaf array, so scoring a candidate walks plain arrays and allocates nothing.
/// Scores exactly as ML.NET's FastTree model it was exported from (see <see cref="TreeEnsembleArtifact"/> for the rules).
/// </summary>
/// <remarks>
/// Contributions: in each tree every internal node carries the mean of the leaf values below it (unweighted; ML.NET
/// exposes no leaf counts). Walking the path, the step from a node to its child credits the split feature with the
/// change of that mean. So raw = <see cref="BaselineRawScore"/> (bias + sum of root means) + sum of contributions. For
/// the probability the raw contributions are scaled by (p - p0) / (raw - raw0), with p0 = <see cref="BaselineProbability"/>,
/// so they keep their signs and proportions and sum with p0 to p.
/// </remarks>
public sealed partial class TreeEnsembleModel
{
    public const string FormatId = "nba-tree-ensemble/1";
    public const string LogisticLink = "logistic";

    /// <summary>A regression's link: the prediction is the raw score itself; slope and offset are left out.</summary>
    public const string IdentityLink = "identity";

    /// <summary>Below this raw-score distance from the baseline the link's slope at the baseline scales the contributions.</summary>
    private const double TinyRawDifference = 1e-9;

    private const int MaxReportedErrors = 20;

    /// <summary>Trees walked side by side by <see cref="RawScore(ReadOnlySpan{double})"/>.</summary>
    private const int Lanes = 8;

    /// <summary>Up to this many features the single-precision copy lives on the stack.</summary>
    private const int MaxStackFeatures = 512;

    private static readonly string[] TopLevelFields =
        ["format", "version", "kind", "createdAt", "features", "bias", "link", "trees", "metrics", "trainingData", "seed", "trainer", "featureImportance", "reference"];

    private static readonly string[] LinkFields = ["type", "slope", "offset"];
    private static readonly string[] TreeFields = ["weight", "splitFeature", "threshold", "left", "right", "leafValue"];

    private readonly int[] roots;
    private readonly Node[] nodes;
    private readonly double[] nodeMeans;
    private readonly double[] leafValues;
    private readonly double bias;
    private readonly double slope;
    private readonly double offset;
    private readonly bool identity;

    private TreeEnsembleModel(TreeEnsembleArtifact artifact, Flattened flat)
    {
        Version = artifact.Version!;
        Kind = artifact.Kind!;
        CreatedAt = artifact.CreatedAt!.Value;
        Features = [.. artifact.Features!];
        bias = artifact.Bias!.Value;
        identity = artifact.Link!.Type == IdentityLink;
        slope = artifact.Link.Slope ?? 0;
        offset = artifact.Link.Offset ?? 0;
        (roots, nodes, nodeMeans, leafValues) = (flat.Roots, flat.Nodes, flat.NodeMeans, flat.LeafValues);
        BaselineRawScore = flat.BaselineRaw;
        BaselineProbability = Link(BaselineRawScore);
        Metrics = artifact.Metrics;
        TrainingData = artifact.TrainingData;
        Seed = artifact.Seed;
        Trainer = artifact.Trainer;
        FeatureImportance = artifact.FeatureImportance is { } importance ? [.. importance] : [];
        Reference = artifact.Reference;
    }

    /// <summary>The model's typical prediction, if the trainer recorded one (a value model's median customer).</summary>
    public double? Reference { get; }

    /// <summary>The link's name: <see cref="LogisticLink"/> or <see cref="IdentityLink"/>.</summary>
    public string LinkType => identity ? IdentityLink : LogisticLink;

    public string Version { get; }

    public string Kind { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Input names, in the order the feature spans are indexed.</summary>
    public IReadOnlyList<string> Features { get; }

    public int FeatureCount => Features.Count;

    public int TreeCount => roots.Length;

    public int LeafCount => leafValues.Length;

    public double LinkSlope => slope;

    public double LinkOffset => offset;

    /// <summary>The raw score before any split: bias plus every tree's mean leaf value (weighted).</summary>
    public double BaselineRawScore { get; }

    /// <summary>The link of <see cref="BaselineRawScore"/>: the baseline term that probability contributions are added to.</summary>
    public double BaselineProbability { get; }

    public ModelMetrics? Metrics { get; }

    public TrainingDataRange? TrainingData { get; }

    public int? Seed { get; }

    public TrainerSettings? Trainer { get; }

    public IReadOnlyList<FeatureImportance> FeatureImportance { get; }

    /// <summary>The ensemble's raw score (log-odds scale): bias plus each tree's weighted leaf value.</summary>
    public double RawScore(ReadOnlySpan<double> features)
    {
        CheckFeatures(features);
        var x = features.Length <= MaxStackFeatures ? stackalloc float[features.Length] : new float[features.Length];
        ToSingle(features, x);
        ref var value = ref MemoryMarshal.GetReference(x);
        ref var node0 = ref MemoryMarshal.GetArrayDataReference(nodes);
        ref var leaf0 = ref MemoryMarshal.GetArrayDataReference(leafValues);
        var roots = this.roots;
        var sum = bias;
        var t = 0;
        // Eight walks interleaved: which way a tree goes is unpredictable, so one walk at a time mostly waits for
        // mispredicted branches; eight independent ones keep the core busy. Each step picks the child by offset.
        for (; t + Lanes <= roots.Length; t += Lanes)
        {
            int a = roots[t], b = roots[t + 1], c = roots[t + 2], d = roots[t + 3];
            int e = roots[t + 4], f = roots[t + 5], g = roots[t + 6], h = roots[t + 7];
            // A walk ends at a leaf (negative); the AND is negative only once all eight have.
            while ((a & b & c & d & e & f & g & h) >= 0)
            {
                a = Step(ref node0, ref value, a);
                b = Step(ref node0, ref value, b);
                c = Step(ref node0, ref value, c);
                d = Step(ref node0, ref value, d);
                e = Step(ref node0, ref value, e);
                f = Step(ref node0, ref value, f);
                g = Step(ref node0, ref value, g);
                h = Step(ref node0, ref value, h);
            }

            // Summed as a group, in tree order, exactly as the explaining walk below sums.
            var group = 0.0;
            group += Unsafe.Add(ref leaf0, ~a);
            group += Unsafe.Add(ref leaf0, ~b);
            group += Unsafe.Add(ref leaf0, ~c);
            group += Unsafe.Add(ref leaf0, ~d);
            group += Unsafe.Add(ref leaf0, ~e);
            group += Unsafe.Add(ref leaf0, ~f);
            group += Unsafe.Add(ref leaf0, ~g);
            group += Unsafe.Add(ref leaf0, ~h);
            sum += group;
        }

        for (; t < roots.Length; t++)
        {
            var i = roots[t];
            while (i >= 0)
            {
                i = Step(ref node0, ref value, i);
            }

            sum += Unsafe.Add(ref leaf0, ~i);
        }

        return sum;
    }

    /// <summary>
    /// The raw score, and in <paramref name="contributions"/> (one per feature) each feature's share of
    /// raw - <see cref="BaselineRawScore"/>. Returns exactly what <see cref="RawScore(ReadOnlySpan{double})"/> returns.
    /// </summary>
    public double RawScore(ReadOnlySpan<double> features, Span<double> contributions)
    {
        CheckFeatures(features);
        if (contributions.Length != FeatureCount)
        {
            throw new ArgumentException($"expected room for {FeatureCount} contributions, got {contributions.Length}", nameof(contributions));
        }

        var x = features.Length <= MaxStackFeatures ? stackalloc float[features.Length] : new float[features.Length];
        ToSingle(features, x);
        contributions.Clear();
        ref var value = ref MemoryMarshal.GetReference(x);
        ref var share = ref MemoryMarshal.GetReference(contributions);
        ref var node0 = ref MemoryMarshal.GetArrayDataReference(nodes);
        ref var leaf0 = ref MemoryMarshal.GetArrayDataReference(leafValues);
        ref var mean0 = ref MemoryMarshal.GetArrayDataReference(nodeMeans);
        var roots = this.roots;
        var grouped = roots.Length - (roots.Length % Lanes);
        var sum = bias;
        var group = 0.0;
        for (var t = 0; t < roots.Length; t++)
        {
            var i = roots[t];
            var mean = i >= 0 ? Unsafe.Add(ref mean0, i) : Unsafe.Add(ref leaf0, ~i);
            while (i >= 0)
            {
                var feature = Unsafe.Add(ref node0, i).Feature;
                i = Step(ref node0, ref value, i);
                var next = i >= 0 ? Unsafe.Add(ref mean0, i) : Unsafe.Add(ref leaf0, ~i);
                Unsafe.Add(ref share, feature) += next - mean;
                mean = next;
            }

            if (t < grouped)
            {
                group += Unsafe.Add(ref leaf0, ~i);
                if (t % Lanes == Lanes - 1)
                {
                    sum += group;
                    group = 0;
                }
            }
            else
            {
                sum += Unsafe.Add(ref leaf0, ~i);
            }
        }

        return sum;
    }

    /// <summary>
    /// One step of a walk: from internal node <paramref name="i"/> to its left child when the feature value is at most
    /// the threshold, else to the right one (NaN goes right); a leaf (negative) stays. The right child is read at offset 1
    /// from the left rather than chosen by a branch. Unchecked reads are safe: validation keeps every split feature below
    /// the feature count the callers checked and every child inside the flattened arrays.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref Node node0, ref float features, int i)
    {
        if (i < 0)
        {
            return i;
        }

        ref readonly var node = ref Unsafe.Add(ref node0, i);
        return Unsafe.Add(ref Unsafe.AsRef(in node.Left), Unsafe.Add(ref features, node.Feature) <= node.Threshold ? 0 : 1);
    }

    /// <summary>Single precision, as ML.NET compares: its feature vectors are floats and its thresholds too.</summary>
    private static void ToSingle(ReadOnlySpan<double> features, Span<float> values)
    {
        for (var i = 0; i < features.Length; i++)
        {
            values[i] = (float)features[i];
        }
    }

    /// <summary>The prediction: the link of the raw score (for a classifier, the probability).</summary>
    public double Probability(ReadOnlySpan<double> features) => Link(RawScore(features));

    /// <summary>
    /// The probability, and in <paramref name="contributions"/> (one per feature) shares that with
    /// <see cref="BaselineProbability"/> sum to it (up to rounding, about 1e-16).
    /// </summary>
    public double Probability(ReadOnlySpan<double> features, Span<double> contributions)
    {
        var raw = RawScore(features, contributions);
        var probability = Link(raw);
        var difference = raw - BaselineRawScore;
        // Proportional where the difference is measurable; at the baseline itself, the link's slope there.
        var scale = identity ? 1
            : Math.Abs(difference) > TinyRawDifference ? (probability - BaselineProbability) / difference
            : -slope * BaselineProbability * (1 - BaselineProbability);
        for (var i = 0; i < contributions.Length; i++)
        {
            contributions[i] *= scale;
        }

        return probability;
    }

    /// <summary>ML.NET's Platt calibrator, 1 / (1 + exp(slope x raw + offset)); for a regression, raw itself.</summary>
    public double Link(double rawScore) => identity ? rawScore : 1 / (1 + Math.Exp((slope * rawScore) + offset));

    private void CheckFeatures(ReadOnlySpan<double> features)
    {
        if (features.Length != Features.Count)
        {
            throw new ArgumentException($"model {Version} takes {Features.Count} features, got {features.Length}", nameof(features));
        }
    }

    /// <summary>
    /// An internal node in 16 bytes: children &gt;= 0 are nodes, negative ones the leaf ~c, both as global indexes.
    /// <see cref="Right"/> directly follows <see cref="Left"/>: <see cref="Step"/> reads it at offset 1.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Node(int feature, float threshold, int left, int right)
    {
        public readonly int Feature = feature;
        public readonly float Threshold = threshold;
        public readonly int Left = left;
        public readonly int Right = right;
    }

    private sealed record Flattened(int[] Roots, Node[] Nodes, double[] NodeMeans, double[] LeafValues, double BaselineRaw);
}
