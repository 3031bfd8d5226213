using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

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
public sealed class TreeEnsembleModel
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

    /// <summary>Reads and validates a <c>model.json</c>; every problem is reported with the file and the field.</summary>
    public static TreeEnsembleModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelArtifactException(["model file not found"], path);
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <param name="utf8Json">The document.</param>
    /// <param name="source">Names the document in errors, usually its path.</param>
    public static TreeEnsembleModel Parse(ReadOnlySpan<byte> utf8Json, string source = "model.json")
    {
        TreeEnsembleArtifact? artifact;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using (var document = JsonDocument.ParseValue(ref reader))
            {
                var unknown = UnknownFields(document.RootElement);
                if (unknown.Count > 0)
                {
                    throw new ModelArtifactException(unknown, source);
                }
            }

            artifact = JsonSerializer.Deserialize(utf8Json, ModelJsonContext.Default.TreeEnsembleArtifact);
        }
        catch (JsonException ex)
        {
            throw new ModelArtifactException([Describe(ex)], source);
        }

        return artifact is null
            ? throw new ModelArtifactException(["the document is JSON null; expected an object with format, version, features, trees, ..."], source)
            : FromArtifact(artifact, source);
    }

    /// <summary>Validates an artifact (as read, or as built by the trainer) and flattens it for evaluation.</summary>
    public static TreeEnsembleModel FromArtifact(TreeEnsembleArtifact artifact, string source = "model.json")
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var errors = new List<string>();
        CheckHeader(artifact, errors);
        var featureCount = artifact.Features?.Count ?? 0;
        Flattened? flat = null;
        if (artifact.Trees is null)
        {
            errors.Add("trees is required");
        }
        else if (artifact.Trees.Count == 0)
        {
            errors.Add("trees: at least one tree is required");
        }
        else if (artifact.Features is not null)
        {
            flat = Flatten(artifact.Trees, featureCount, artifact.Bias ?? 0, errors);
        }

        if (errors.Count > MaxReportedErrors)
        {
            var more = errors.Count - MaxReportedErrors;
            errors.RemoveRange(MaxReportedErrors, more);
            errors.Add($"... and {more} more");
        }

        return errors.Count > 0 ? throw new ModelArtifactException(errors, source) : new TreeEnsembleModel(artifact, flat!);
    }

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

    private static void CheckHeader(TreeEnsembleArtifact a, List<string> errors)
    {
        if (a.Format is null)
        {
            errors.Add($"format is required (\"{FormatId}\")");
        }
        else if (a.Format != FormatId)
        {
            errors.Add($"format: expected \"{FormatId}\", was \"{a.Format}\"; this service reads only that format");
        }

        if (string.IsNullOrWhiteSpace(a.Version))
        {
            errors.Add("version is required");
        }

        if (string.IsNullOrWhiteSpace(a.Kind))
        {
            errors.Add("kind is required (e.g. \"propensity\")");
        }

        if (a.CreatedAt is null)
        {
            errors.Add("createdAt is required");
        }

        CheckFeatureNames(a.Features, errors);
        CheckFinite(errors, "bias", a.Bias);
        if (a.Link is null)
        {
            errors.Add($"link is required ({{\"type\": \"{LogisticLink}\", \"slope\": ..., \"offset\": ...}})");
            return;
        }

        if (a.Link.Type == IdentityLink)
        {
            if (a.Link.Slope is not null || a.Link.Offset is not null)
            {
                errors.Add($"link: an \"{IdentityLink}\" link takes no slope or offset");
            }

            return;
        }

        if (a.Link.Type != LogisticLink)
        {
            errors.Add($"link.type: expected \"{LogisticLink}\" or \"{IdentityLink}\", was {Quote(a.Link.Type)}");
        }

        CheckFinite(errors, "link.slope", a.Link.Slope);
        if (a.Link.Slope == 0)
        {
            errors.Add("link.slope must not be 0: every instance would get the same probability");
        }

        CheckFinite(errors, "link.offset", a.Link.Offset);
    }

    private static void CheckFeatureNames(IReadOnlyList<string>? features, List<string> errors)
    {
        if (features is null)
        {
            errors.Add("features is required (the input names in the order the trees index them)");
            return;
        }

        if (features.Count == 0)
        {
            errors.Add("features: at least one feature is required");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < features.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(features[i]))
            {
                errors.Add($"features[{i}]: a name is required");
            }
            else if (!seen.Add(features[i]))
            {
                errors.Add($"features[{i}]: \"{features[i]}\" is listed twice");
            }
        }
    }

    private static void CheckFinite(List<string> errors, string field, double? value)
    {
        if (value is null)
        {
            errors.Add($"{field} is required");
        }
        else if (!double.IsFinite(value.Value))
        {
            errors.Add($"{field} must be a finite number");
        }
    }

    /// <summary>Validates every tree and, when all are sound, flattens them into global node and leaf arrays.</summary>
    private static Flattened? Flatten(IReadOnlyList<TreeArtifact> trees, int featureCount, double bias, List<string> errors)
    {
        var orders = new List<int>[trees.Count];
        int totalNodes = 0, totalLeaves = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            if (tree is null)
            {
                errors.Add($"trees[{t}]: a tree object is required");
                continue;
            }

            if (CheckTree(tree, $"trees[{t}]", featureCount, errors) is { } preorder)
            {
                orders[t] = preorder;
                totalNodes += tree.SplitFeature!.Count;
                totalLeaves += tree.LeafValue!.Count;
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var roots = new int[trees.Count];
        var nodes = new Node[totalNodes];
        var means = new double[totalNodes];
        var leaves = new double[totalLeaves];
        var baseline = bias;
        int nodeBase = 0, leafBase = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var weight = tree.Weight!.Value;
            var count = tree.SplitFeature!.Count;
            for (var l = 0; l < tree.LeafValue!.Count; l++)
            {
                leaves[leafBase + l] = weight * tree.LeafValue[l];
            }

            int Global(int child) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);
            for (var n = 0; n < count; n++)
            {
                nodes[nodeBase + n] = new Node(tree.SplitFeature[n], tree.Threshold![n], Global(tree.Left![n]), Global(tree.Right![n]));
            }

            // Children come after their parent in preorder, so the reverse visits children first.
            var leafSums = new (double Sum, int Leaves)[count];
            var preorder = orders[t];
            for (var k = preorder.Count - 1; k >= 0; k--)
            {
                var n = preorder[k];
                (double Sum, int Leaves) left = tree.Left![n] >= 0 ? leafSums[tree.Left[n]] : (tree.LeafValue[~tree.Left[n]], 1);
                (double Sum, int Leaves) right = tree.Right![n] >= 0 ? leafSums[tree.Right[n]] : (tree.LeafValue[~tree.Right[n]], 1);
                leafSums[n] = (left.Sum + right.Sum, left.Leaves + right.Leaves);
                means[nodeBase + n] = weight * leafSums[n].Sum / leafSums[n].Leaves;
            }

            roots[t] = count > 0 ? nodeBase : ~leafBase;
            baseline += count > 0 ? means[nodeBase] : leaves[leafBase];
            nodeBase += count;
            leafBase += tree.LeafValue.Count;
        }

        return new Flattened(roots, nodes, means, leaves, baseline);
    }

    /// <summary>Checks one tree's arrays and structure; returns its internal nodes in preorder, or null after adding errors.</summary>
    private static List<int>? CheckTree(TreeArtifact tree, string at, int featureCount, List<string> errors)
    {
        var before = errors.Count;
        CheckFinite(errors, $"{at}.weight", tree.Weight);
        Require(tree.SplitFeature, "splitFeature");
        Require(tree.Threshold, "threshold");
        Require(tree.Left, "left");
        Require(tree.Right, "right");
        Require(tree.LeafValue, "leafValue");
        if (errors.Count > before)
        {
            return null;
        }

        var count = tree.SplitFeature!.Count;
        SameLength(tree.Threshold!.Count, "threshold", count);
        SameLength(tree.Left!.Count, "left", count);
        SameLength(tree.Right!.Count, "right", count);
        if (tree.LeafValue!.Count != count + 1)
        {
            errors.Add($"{at}.leafValue: a tree with {count} split(s) has {count + 1} leaves, found {tree.LeafValue.Count} values");
        }

        if (errors.Count > before)
        {
            return null;
        }

        for (var n = 0; n < count; n++)
        {
            if (tree.SplitFeature[n] < 0 || tree.SplitFeature[n] >= featureCount)
            {
                errors.Add($"{at}.splitFeature[{n}]: {tree.SplitFeature[n]} is not an index into features (0 to {featureCount - 1})");
            }

            if (!float.IsFinite(tree.Threshold[n]))
            {
                errors.Add($"{at}.threshold[{n}] must be a finite number");
            }

            CheckChild(tree.Left[n], "left", n);
            CheckChild(tree.Right[n], "right", n);
        }

        for (var l = 0; l < tree.LeafValue.Count; l++)
        {
            if (!double.IsFinite(tree.LeafValue[l]))
            {
                errors.Add($"{at}.leafValue[{l}] must be a finite number");
            }
        }

        return errors.Count > before ? null : Preorder(tree, at, errors);

        void Require<T>(IReadOnlyList<T>? values, string field)
        {
            if (values is null)
            {
                errors.Add($"{at}.{field} is required (an empty array for a single-leaf tree)");
            }
        }

        void SameLength(int length, string field, int expected)
        {
            if (length != expected)
            {
                errors.Add($"{at}.{field}: expected {expected} values (one per entry of splitFeature), found {length}");
            }
        }

        void CheckChild(int child, string field, int node)
        {
            if (child >= count || child == 0 || ~child > count)
            {
                errors.Add($"{at}.{field}[{node}]: {child} is neither an internal node (1 to {count - 1}) nor a leaf (-1 to {-(count + 1)}, leaf ~c)");
            }
        }
    }

    /// <summary>Walks from the root; every internal node and leaf must be reached exactly once (no cycles, nothing shared or left out).</summary>
    private static List<int>? Preorder(TreeArtifact tree, string at, List<string> errors)
    {
        var count = tree.SplitFeature!.Count;
        var preorder = new List<int>(count);
        if (count == 0)
        {
            return preorder;
        }

        var seenNodes = new bool[count];
        var seenLeaves = new bool[count + 1];
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (seenNodes[n])
            {
                errors.Add($"{at}: node {n} is reached twice; left and right must form a tree");
                return null;
            }

            seenNodes[n] = true;
            preorder.Add(n);
            foreach (var child in (ReadOnlySpan<int>)[tree.Right![n], tree.Left![n]])
            {
                if (child >= 0)
                {
                    stack.Push(child);
                }
                else if (seenLeaves[~child])
                {
                    errors.Add($"{at}: leaf {~child} is reached twice; left and right must form a tree");
                    return null;
                }
                else
                {
                    seenLeaves[~child] = true;
                }
            }
        }

        if (preorder.Count < count)
        {
            errors.Add($"{at}: {count - preorder.Count} internal node(s) cannot be reached from the root (node 0)");
            return null;
        }

        return preorder;
    }

    /// <summary>Fields this format does not define, so a misspelt one is refused rather than silently ignored.</summary>
    private static List<string> UnknownFields(JsonElement root)
    {
        var errors = new List<string>();
        if (root.ValueKind == JsonValueKind.Null)
        {
            return errors;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"the document must be a JSON object, was {root.ValueKind}");
            return errors;
        }

        Check(root, "", TopLevelFields);
        if (root.TryGetProperty("link", out var link) && link.ValueKind == JsonValueKind.Object)
        {
            Check(link, "link.", LinkFields);
        }

        if (root.TryGetProperty("trees", out var trees) && trees.ValueKind == JsonValueKind.Array)
        {
            var t = 0;
            foreach (var tree in trees.EnumerateArray())
            {
                if (tree.ValueKind == JsonValueKind.Object)
                {
                    Check(tree, $"trees[{t}].", TreeFields);
                }

                t++;
            }
        }

        return errors;

        void Check(JsonElement element, string prefix, string[] known)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (Array.IndexOf(known, property.Name) < 0)
                {
                    errors.Add($"{prefix}{property.Name}: unknown field (known: {string.Join(", ", known)})");
                }
            }
        }
    }

    /// <summary>"trees[0].threshold[1]: The JSON value could not be converted ... (line 3)" from the serializer's exception.</summary>
    private static string Describe(JsonException ex)
    {
        var field = ex.Path is null or "$" ? "(document)" : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path;
        var reason = ex.Message;
        var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }

        var line = ex.LineNumber is { } l ? string.Create(CultureInfo.InvariantCulture, $" (line {l + 1})") : "";
        return $"{field}: not valid here: {reason}{line}";
    }

    private static string Quote(string? value) => value is null ? "missing" : $"\"{value}\"";

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
