using System.Globalization;

namespace NextBestAction.Decisioning.Models;

/// <summary>Validating an artifact's header, features and trees, and flattening sound trees into the arrays the scoring walks.</summary>
public sealed partial class TreeEnsembleModel
{
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
}
