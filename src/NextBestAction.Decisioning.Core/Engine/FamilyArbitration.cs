using System.Globalization;
using System.Text;
using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// Service or bundle, decided explicitly from the signals of each family before scores are compared, because a
/// customer waiting for a late parcel should not get an upsell however profitable it scores. Service signals:
/// a late order, broken promises, open or not-first-time-right contacts, a recent return, churn risk weighted by the
/// customer's value (the churn and value models' predictions when deployed). Bundle
/// signals: the action's line in the cart, intent in this visit, affinity, past bundle acceptance.
/// With <see cref="ArbitrationMode.Scores"/> the family with the best-scoring candidate goes first instead (a trained
/// model's scores already weigh these signals, and more), except that a late order still puts service first.
/// </summary>
public static class FamilyArbitration
{
    /// <summary>One builder per thread for the reason texts, so only the finished reason is allocated.</summary>
    [ThreadStatic]
    private static StringBuilder? reasonBuilder;

    public static Arbitration Decide(DecisionFeatures f, IReadOnlyList<ScoredCandidate> candidates, RuleScope scope, ArbitrationMode mode = ArbitrationMode.Signals)
    {
        var hasService = false;
        var bestBundle = 0.0;
        CatalogAction? strongestBundle = null;
        ScoredCandidate? topService = null, topBundle = null;
        // By index: foreach over the interface would allocate an enumerator.
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            if (!c.Action.IsBundle)
            {
                hasService = true;
                topService = topService is null || c.Score > topService.Score ? c : topService;
                continue;
            }

            topBundle = topBundle is null || c.Score > topBundle.Score ? c : topBundle;
            scope.Action = c.Action;
            var signal = BundleSignal(scope);
            if (strongestBundle is null || signal > bestBundle)
            {
                bestBundle = signal;
                strongestBundle = c.Action;
            }
        }

        var service = hasService ? ServiceSignal(f) : 0;
        var bundle = strongestBundle is null ? 0 : bestBundle;
        if (!hasService && strongestBundle is null)
        {
            return new Arbitration(null, 0, 0, "NO_CANDIDATE: no action passed eligibility and contact policy");
        }

        if (hasService && f.LateOrders > 0)
        {
            return new Arbitration(ActionKinds.Service, Round(service), Round(bundle),
                "SERVICE_FIRST: an order is late, so service comes before any upsell");
        }

        var text = (reasonBuilder ??= new StringBuilder(256)).Clear();
        if (strongestBundle is null)
        {
            DescribeService(text.Append("SERVICE_ONLY: no bundle is eligible; "), f);
            return new Arbitration(ActionKinds.Service, Round(service), 0, text.ToString());
        }

        scope.Action = strongestBundle;
        if (!hasService)
        {
            DescribeBundle(text.Append("BUNDLE_ONLY: no service action is eligible; "), scope);
            return new Arbitration(ActionKinds.Bundle, 0, Round(bundle), text.ToString());
        }

        if (mode == ArbitrationMode.Scores)
        {
            return ByScores(topService!, topBundle!, service, bundle, text);
        }

        if (service > bundle)
        {
            DescribeService(text.Append(CultureInfo.InvariantCulture, $"SERVICE_FIRST: service signals {service:0.00} ("), f);
            text.Append(CultureInfo.InvariantCulture, $") outweigh bundle signals {bundle:0.00}");
            return new Arbitration(ActionKinds.Service, Round(service), Round(bundle), text.ToString());
        }

        DescribeBundle(text.Append(CultureInfo.InvariantCulture, $"BUNDLE_FIRST: bundle signals {bundle:0.00} ("), scope);
        text.Append(CultureInfo.InvariantCulture, $") outweigh service signals {service:0.00}");
        return new Arbitration(ActionKinds.Bundle, Round(service), Round(bundle), text.ToString());
    }

    /// <summary>The family of the higher score; a tie goes to service, the cautious side.</summary>
    private static Arbitration ByScores(ScoredCandidate topService, ScoredCandidate topBundle, double service, double bundle, StringBuilder text)
    {
        var serviceFirst = topService.Score >= topBundle.Score;
        var (first, second) = serviceFirst ? (topService, topBundle) : (topBundle, topService);
        text.Append(serviceFirst ? "SERVICE_FIRST" : "BUNDLE_FIRST")
            .Append(CultureInfo.InvariantCulture, $": the learned scores put {first.Action.Id} ({first.Score:0.00}) above {second.Action.Id} ({second.Score:0.00}); ")
            .Append(CultureInfo.InvariantCulture, $"service signals {service:0.00}, bundle signals {bundle:0.00}");
        return new Arbitration(serviceFirst ? ActionKinds.Service : ActionKinds.Bundle, Round(service), Round(bundle), text.ToString());
    }

    /// <summary>How much the customer needs service now, 0 to 1.</summary>
    public static double ServiceSignal(DecisionFeatures f) => Math.Min(1,
        (f.LateOrders > 0 ? 0.5 : 0)
        + (0.15 * Math.Min(2, f.BrokenPromises90d))
        + (0.15 * Math.Min(2, f.OpenContacts))
        + (0.10 * Math.Min(2, f.NotFirstTimeRight))
        + (f.DaysSinceLastReturn <= 30 ? 0.10 : 0)
        + (0.20 * f.ChurnRisk * f.ValueWeight));

    /// <summary>How ready the customer is for this bundle now, 0 to 1.</summary>
    public static double BundleSignal(RuleScope scope)
    {
        var f = scope.Features;
        var acceptance = (f.BundlesAccepted + 1) / (f.BundlesAccepted + f.BundlesDeclined + 2);
        return Math.Min(1,
            (scope.ActionInCart ? 0.4 : 0)
            + (scope.FreshIntent ? 0.1 : 0)
            + (0.2 * f.Affinity(scope.Action.ProductLine))
            + (0.2 * acceptance));
    }

    /// <summary>Appends the service signals present, comma-separated.</summary>
    private static void DescribeService(StringBuilder text, DecisionFeatures f)
    {
        var start = text.Length;
        if (f.LateOrders > 0)
        {
            Part(text, start).Append("late order");
        }

        if (f.BrokenPromises90d > 0)
        {
            Part(text, start).Append($"{f.BrokenPromises90d} broken promise(s) in 90 days");
        }

        if (f.OpenContacts > 0)
        {
            Part(text, start).Append($"{f.OpenContacts} open service contact(s)");
        }

        if (f.NotFirstTimeRight > 0)
        {
            Part(text, start).Append($"{f.NotFirstTimeRight} contact(s) not first time right");
        }

        if (f.DaysSinceLastReturn <= 30)
        {
            Part(text, start).Append("a return in the last 30 days");
        }

        if (f.ChurnRisk > 0)
        {
            Part(text, start).Append(CultureInfo.InvariantCulture, $"churn risk {f.ChurnRisk:0.00}");
            if (f.CustomerValue > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" on a customer value of {f.CustomerValue:0} EUR (weight {f.ValueWeight:0.00})");
            }
        }

        if (text.Length == start)
        {
            text.Append("no service trouble");
        }
    }

    /// <summary>Appends the signals for the bundle of the scope's action, comma-separated.</summary>
    private static void DescribeBundle(StringBuilder text, RuleScope scope)
    {
        var f = scope.Features;
        var line = scope.Action.ProductLine ?? scope.Action.Id;
        var start = text.Length;
        if (scope.ActionInCart)
        {
            Part(text, start).Append($"{line} in the cart");
        }

        if (scope.FreshIntent)
        {
            Part(text, start).Append("added in this visit");
        }

        if (f.Affinity(scope.Action.ProductLine) > 0)
        {
            Part(text, start).Append(CultureInfo.InvariantCulture, $"affinity to {line} {f.Affinity(scope.Action.ProductLine):0.00}");
        }

        if (f.BundlesAccepted + f.BundlesDeclined > 0)
        {
            Part(text, start).Append($"accepted {f.BundlesAccepted} of {f.BundlesAccepted + f.BundlesDeclined} bundle offers");
        }

        if (text.Length == start)
        {
            text.Append("no bundle signal beyond eligibility");
        }
    }

    /// <summary>The builder, after a separator unless this is the first part since <paramref name="start"/>.</summary>
    private static StringBuilder Part(StringBuilder text, int start) => text.Length == start ? text : text.Append(", ");

    private static double Round(double value) => Math.Round(value, 4);
}

/// <summary>How the engine decides between service and bundle before it ranks.</summary>
public enum ArbitrationMode
{
    /// <summary>The hand-written service and bundle signals (<see cref="FamilyArbitration"/>): the default.</summary>
    Signals,

    /// <summary>The family of the best-scoring candidate, a late order still putting service first: for trained models.</summary>
    Scores,
}
