using NextBestAction.Contracts;
using NextBestAction.Decisioning.Catalog;

namespace NextBestAction.Decisioning.Api;

/// <summary>Checks a decision request field by field; the errors become a 400 problem response.</summary>
public static class DecisionRequestValidator
{
    public const int MaxActionsLimit = 10;
    public const int MaxCartLines = 100;

    /// <summary>
    /// Every check, including that the touch point and channel are the catalog's: they become a metric label and a Redis
    /// field, so free text is refused. The message names the allowed values, never echoes the one sent.
    /// </summary>
    public static Dictionary<string, string[]> Validate(DecisionRequest request, ActionCatalog catalog)
    {
        var errors = Validate(request);
        if (request.Touchpoint is { } touchpoint && !catalog.HasTouchpoint(touchpoint))
        {
            errors["touchpoint"] = [OneOf("touchpoint", catalog.Touchpoints, "touch point")];
        }

        if (request.Channel is { } channel && !catalog.HasChannel(channel))
        {
            errors["channel"] = [OneOf("channel", catalog.Channels, "channel")];
        }

        return errors;
    }

    private static string OneOf(string field, IReadOnlyList<string> allowed, string noun) => allowed.Count == 0
        ? $"{field} must be left out: the catalog names no {noun}s"
        : $"{field} must be one of: {string.Join(", ", allowed)}";

    /// <summary>The checks that need no catalog: required fields, ids, limits and the cart lines.</summary>
    public static Dictionary<string, string[]> Validate(DecisionRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Identifiers.IsValid(request.CustomerId))
        {
            errors["customerId"] = [$"customerId is required: {Identifiers.Rule}"];
        }

        if (request.MaxActions is < 1 or > MaxActionsLimit)
        {
            errors["maxActions"] = [$"maxActions must be between 1 and {MaxActionsLimit}"];
        }

        var cart = request.Context?.Cart;
        if (cart is { Count: > MaxCartLines })
        {
            errors["context.cart"] = [$"context.cart may hold at most {MaxCartLines} lines"];
        }
        else if (cart is not null)
        {
            for (var i = 0; i < cart.Count; i++)
            {
                var item = cart[i];
                var field = $"context.cart[{i}]";
                var problems = new List<string>();
                if (item is null)
                {
                    errors[field] = ["cart line must be an object"];
                    continue;
                }

                if (!Identifiers.IsValid(item.ProductId))
                {
                    problems.Add($"productId is required: {Identifiers.Rule}");
                }

                if (string.IsNullOrWhiteSpace(item.ProductLine))
                {
                    problems.Add("productLine is required");
                }

                if (item.Price is < 0)
                {
                    problems.Add("price must not be negative");
                }

                if (item.Quantity is < 1)
                {
                    problems.Add("quantity must be at least 1");
                }

                if (problems.Count > 0)
                {
                    errors[field] = [.. problems];
                }
            }
        }

        return errors;
    }
}
