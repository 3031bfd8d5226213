using System.Globalization;
using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// Service or bundle, decided explicitly from the signals of each family before scores are compared, because a
/// customer waiting for a late parcel should not get an upsell however profitable it scores. Service signals:
/// a late order, broken promises, open or not-first-time-right contacts, a recent return, churn risk. Bundle
/// signals: the action's line in the cart, intent in this visit, affinity, past bundle acceptance.
/// </summary>
public static class FamilyArbitration
{
    public static Arbitration Decide(DecisionFeatures f, IReadOnlyList<ScoredCandidate> candidates, RuleScope scope)
    {
        var hasService = false;
        var bestBundle = 0.0;
        CatalogAction? strongestBundle = null;
        foreach (var c in candidates)
        {
            if (!c.Action.IsBundle)
            {
                hasService = true;
                continue;
            }

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

        if (strongestBundle is null)
        {
            return new Arbitration(ActionKinds.Service, Round(service), 0, $"SERVICE_ONLY: no bundle is eligible; {DescribeService(f)}");
        }

        scope.Action = strongestBundle;
        if (!hasService)
        {
            return new Arbitration(ActionKinds.Bundle, 0, Round(bundle), $"BUNDLE_ONLY: no service action is eligible; {DescribeBundle(scope)}");
        }

        return service > bundle
            ? new Arbitration(ActionKinds.Service, Round(service), Round(bundle),
                string.Create(CultureInfo.InvariantCulture, $"SERVICE_FIRST: service signals {service:0.00} ({DescribeService(f)}) outweigh bundle signals {bundle:0.00}"))
            : new Arbitration(ActionKinds.Bundle, Round(service), Round(bundle),
                string.Create(CultureInfo.InvariantCulture, $"BUNDLE_FIRST: bundle signals {bundle:0.00} ({DescribeBundle(scope)}) outweigh service signals {service:0.00}"));
    }

    /// <summary>How much the customer needs service now, 0 to 1.</summary>
    public static double ServiceSignal(DecisionFeatures f) => Math.Min(1,
        (f.LateOrders > 0 ? 0.5 : 0)
        + (0.15 * Math.Min(2, f.BrokenPromises90d))
        + (0.15 * Math.Min(2, f.OpenContacts))
        + (0.10 * Math.Min(2, f.NotFirstTimeRight))
        + (f.DaysSinceLastReturn <= 30 ? 0.10 : 0)
        + (0.20 * f.ChurnRisk));

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

    private static string DescribeService(DecisionFeatures f)
    {
        var parts = new List<string>();
        if (f.LateOrders > 0)
        {
            parts.Add("late order");
        }

        if (f.BrokenPromises90d > 0)
        {
            parts.Add($"{f.BrokenPromises90d} broken promise(s) in 90 days");
        }

        if (f.OpenContacts > 0)
        {
            parts.Add($"{f.OpenContacts} open service contact(s)");
        }

        if (f.NotFirstTimeRight > 0)
        {
            parts.Add($"{f.NotFirstTimeRight} contact(s) not first time right");
        }

        if (f.DaysSinceLastReturn <= 30)
        {
            parts.Add("a return in the last 30 days");
        }

        if (f.ChurnRisk > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"churn risk {f.ChurnRisk:0.00}"));
        }

        return parts.Count == 0 ? "no service trouble" : string.Join(", ", parts);
    }

    private static string DescribeBundle(RuleScope scope)
    {
        var f = scope.Features;
        var line = scope.Action.ProductLine ?? scope.Action.Id;
        var parts = new List<string>();
        if (scope.ActionInCart)
        {
            parts.Add($"{line} in the cart");
        }

        if (scope.FreshIntent)
        {
            parts.Add("added in this visit");
        }

        if (f.Affinity(scope.Action.ProductLine) > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"affinity to {line} {f.Affinity(scope.Action.ProductLine):0.00}"));
        }

        if (f.BundlesAccepted + f.BundlesDeclined > 0)
        {
            parts.Add($"accepted {f.BundlesAccepted} of {f.BundlesAccepted + f.BundlesDeclined} bundle offers");
        }

        return parts.Count == 0 ? "no bundle signal beyond eligibility" : string.Join(", ", parts);
    }

    private static double Round(double value) => Math.Round(value, 4);
}
