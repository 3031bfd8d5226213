using System.Net.Http.Json;
using System.Text.Json;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>The webshop's side of a decision: its id and the first action, as the hidden response model sees an offer.</summary>
public sealed record WebshopDecision(string DecisionId, SimulatedOffer? Offer);

/// <summary>
/// Asks the decision API for the next best action at a checkout and reports the customer's answer, exactly as a webshop
/// would: <c>POST /v1/decisions</c> and <c>POST /v1/decisions/{id}/outcome</c> with an API key, over HTTP. The simulator
/// learns nothing else about the service; what it shows the customer is what the response says.
/// </summary>
public sealed class WebshopDecisionClient(HttpClient http, string apiKey)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The decision for <paramref name="moment"/>; throws <see cref="HttpRequestException"/> on a failed call.</summary>
    public async Task<WebshopDecision> DecideAsync(DecisionMoment moment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(moment);
        var body = new DecisionRequestBody(
            moment.CustomerId,
            moment.Touchpoint,
            moment.Channel,
            new RequestContext([.. moment.Cart.Select(c => new RequestCartLine(c.ProductId, c.Category, c.ProductLine, c.Price, c.Quantity))]),
            MaxActions: 1);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/decisions") { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the decision API answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        var decision = await response.Content.ReadFromJsonAsync<DecisionResponseBody>(Json, cancellationToken)
            ?? throw new HttpRequestException("the decision API answered with an empty body");
        var first = decision.Actions is { Count: > 0 } actions ? actions[0] : null;
        var offer = first is null ? null : new SimulatedOffer(first.ActionId, first.Kind, first.ProductLine, first.DiscountPercent ?? 0, first.Value)
        {
            Price = first.Price,
            BundleProducts = first.BundleProducts ?? [],
        };
        return new WebshopDecision(decision.DecisionId, offer);
    }

    /// <summary>Reports the customer's answer to the decision's offer: <c>POST /v1/decisions/{id}/outcome</c>; throws on a failed call.</summary>
    public async Task ReportOutcomeAsync(string decisionId, string actionId, bool accepted, CancellationToken cancellationToken)
    {
        var body = new OutcomeBody(actionId, accepted ? "accepted" : "declined");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/decisions/{Uri.EscapeDataString(decisionId)}/outcome") { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the outcome route answered {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    private sealed record OutcomeBody(string ActionId, string Outcome);

    private sealed record DecisionRequestBody(string CustomerId, string Touchpoint, string Channel, RequestContext Context, int MaxActions);

    private sealed record RequestContext(IReadOnlyList<RequestCartLine> Cart);

    private sealed record RequestCartLine(string ProductId, string Category, string ProductLine, decimal Price, int Quantity);

    private sealed record DecisionResponseBody(string DecisionId, IReadOnlyList<ResponseAction>? Actions);

    private sealed record ResponseAction(
        string ActionId,
        string Kind,
        double Value,
        string? ProductLine,
        double? DiscountPercent,
        double? Price,
        IReadOnlyList<string>? BundleProducts);
}
