using NextBestAction.Decisioning.Engine;

namespace NextBestAction.Decisioning.Api;

/// <summary>Body of <c>POST /v1/decisions</c> (docs/contracts.md). Nullable so validation can name what is missing.</summary>
/// <param name="Debug">When true the response also says why every other action was not chosen.</param>
/// <param name="DryRun">
/// When true nothing is recorded: no impressions for the contact policy, no outcome record, no decision-log
/// record. For previews by catalog authors and for tools that poll; the decision cannot get an outcome.
/// </param>
public sealed record DecisionRequest(string? CustomerId, string? Touchpoint, string? Channel, DecisionContext? Context, int? MaxActions, bool? Debug = null, bool? DryRun = null)
{
    /// <summary>The cart as the engine takes it, empty when none was sent. For a validated request: no line is null.</summary>
    public IReadOnlyList<EngineCartItem> EngineCart()
    {
        if (Context?.Cart is not { Count: > 0 } cart)
        {
            return [];
        }

        var lines = new EngineCartItem[cart.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var item = cart[i];
            lines[i] = new EngineCartItem(item.ProductId, item.Category, item.ProductLine, item.Price, item.Quantity);
        }

        return lines;
    }
}

public sealed record DecisionContext(IReadOnlyList<RequestCartItem>? Cart);

public sealed record RequestCartItem(string? ProductId, string? Category, string? ProductLine, decimal? Price, int? Quantity);

public sealed record DecisionResponse(
    string DecisionId,
    string CustomerId,
    IReadOnlyList<ChosenAction> Actions,
    bool Degraded,
    string ModelVersion,
    string CatalogVersion)
{
    /// <summary>Why a fallback was served: timeout, redis_error, circuit_open or unreadable_profile; absent otherwise.</summary>
    public string? DegradedReason { get; init; }

    /// <summary>Which family of action won and why.</summary>
    public Arbitration? Arbitration { get; init; }

    /// <summary>Present when the request asked for <c>debug</c>.</summary>
    public DecisionDebug? Debug { get; init; }
}
