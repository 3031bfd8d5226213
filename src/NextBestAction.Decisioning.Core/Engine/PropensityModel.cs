namespace NextBestAction.Decisioning.Engine;

/// <summary>
/// Predicts how likely the customer accepts an action. The transparent prior now, a trained model later,
/// behind the same interface. Contributions are additive: they sum to the returned propensity.
/// </summary>
public interface IPropensityModel
{
    string Version { get; }

    /// <param name="scope">Decision features with the action under consideration.</param>
    /// <param name="contributions">Cleared and filled with each feature's share; only called with a list for actions being explained.</param>
    double Predict(RuleScope scope, List<FeatureContribution>? contributions);

    /// <summary>Churn and value models deployed with this propensity model, if any; read with it, so one decision uses one set.</summary>
    ICustomerModels? CustomerModels => null;
}

/// <summary>
/// Customer-level predictions made once per decision, before any action is scored: the churn risk and the customer's
/// value, which replace the transparent priors in <see cref="DecisionFeatures"/> and so reach rules, propensity and the
/// service-versus-bundle arbitration.
/// </summary>
public interface ICustomerModels
{
    /// <summary>Names the models, e.g. <c>churn-20260101-42, value-20260101-42</c>.</summary>
    string Version { get; }

    /// <summary>Sets <see cref="DecisionFeatures.ChurnRisk"/> and <see cref="DecisionFeatures.CustomerValue"/> from the scope's customer-level features.</summary>
    void Apply(RuleScope scope);
}

/// <summary>Holds the live model when models can be swapped at run time; the engine reads it once per decision.</summary>
public interface IPropensityModelSource
{
    IPropensityModel Current { get; }
}

/// <summary>
/// A hand-set additive prior from profile features: a baseline per kind plus the signals domain experts name
/// (affinity to the line, intent in the cart, price sensitivity against the discount, service trouble, past
/// answers to the same offer). Every term is visible in the explanation.
/// </summary>
public sealed class PriorPropensityModel : IPropensityModel
{
    public const double Minimum = 0.01;
    public const double Maximum = 0.95;

    public string Version => "prior-v2";

    public double Predict(RuleScope scope, List<FeatureContribution>? contributions)
    {
        contributions?.Clear();
        var f = scope.Features;
        var a = scope.Action;
        var terms = new Terms(contributions);

        terms.Add(a.IsBundle ? "bundle_baseline" : "service_baseline", 0.10);
        if (a.IsBundle)
        {
            terms.Add("cart_product_line", scope.ActionInCart ? 0.25 : 0);
            terms.Add("fresh_cart_intent", scope.FreshIntent ? 0.10 : 0);
            terms.Add("cart_line_quantity", Math.Min(0.10, 0.05 * Math.Max(0, scope.CartLineQuantity - 1)));
            terms.Add("product_line_affinity", 0.20 * f.Affinity(a.ProductLine));
            terms.Add("discount_appeal", 0.30 * (a.DiscountPercent / 100) * f.PriceSensitivity);
            terms.Add("past_bundle_answers", PastAnswers(f.BundlesAccepted, f.BundlesDeclined));
        }
        else
        {
            terms.Add("late_orders", f.LateOrders > 0 ? 0.35 : 0);
            terms.Add("broken_promises_90d", Math.Min(0.30, 0.15 * f.BrokenPromises90d));
            terms.Add("open_service_contacts", Math.Min(0.20, 0.10 * f.OpenContacts));
            terms.Add("not_first_time_right", Math.Min(0.20, 0.10 * f.NotFirstTimeRight));
            terms.Add("returns", Math.Min(0.10, 0.05 * f.Returns));
            terms.Add("churn_risk", 0.20 * f.ChurnRisk);
            terms.Add("past_service_answers", PastAnswers(f.ServicesAccepted, f.ServicesDeclined));
        }

        terms.Add("declined_this_action", -Math.Min(0.15, 0.05 * scope.Declined));

        var sum = terms.Sum;
        var propensity = Math.Clamp(sum, Minimum, Maximum);
        if (contributions is not null && propensity != sum)
        {
            Rescale(contributions, sum, propensity);
        }

        return propensity;
    }

    /// <summary>
    /// Adds up the shares and, when explaining, lists the non-zero ones. A struct on the caller's stack: a local
    /// function capturing the sum would allocate a closure on every prediction, once per candidate.
    /// </summary>
    private struct Terms(List<FeatureContribution>? contributions)
    {
        public double Sum { get; private set; }

        public void Add(string feature, double share)
        {
            if (share == 0)
            {
                return;
            }

            Sum += share;
            contributions?.Add(new FeatureContribution(feature, share));
        }
    }

    /// <summary>Acceptance rate with a Laplace prior, centred so a customer with no answers adds nothing; at most +/-0.075.</summary>
    private static double PastAnswers(double accepted, double declined) => 0.15 * (((accepted + 1) / (accepted + declined + 2)) - 0.5);

    /// <summary>After clamping, the shares are scaled (or a clamp term added) so they still sum to the propensity.</summary>
    private static void Rescale(List<FeatureContribution> contributions, double sum, double propensity)
    {
        if (sum > 0)
        {
            for (var i = 0; i < contributions.Count; i++)
            {
                contributions[i] = contributions[i] with { Contribution = contributions[i].Contribution * propensity / sum };
            }

            return;
        }

        contributions.Add(new FeatureContribution("floor", propensity - sum));
    }
}
