using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using NextBestAction.Simulator.Responses;

namespace NextBestAction.Simulator;

/// <summary>
/// The simulated webshop's side of the decision API: at a checkout it asks for a decision over HTTP, like a real
/// webshop, and after the hidden response model has answered it reports the outcome to the outcome route. Calls run
/// off the simulator's loop; their results queue up for the loop, because the <see cref="WebshopModel"/> is not
/// thread-safe. Failures are counted, and the checkout then goes on without an offer.
/// </summary>
public sealed class LiveDecisions(HttpClient http, string apiKey)
{
    public const string HttpClientName = "simulator-decision-api";

    private readonly ConcurrentQueue<(DecisionMoment Moment, string? DecisionId, SimulatedOffer? Offer)> decided = new();
    private long failed;

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>Asks for a decision without waiting; the result shows up in <see cref="TryTakeDecided"/>.</summary>
    public void Request(DecisionMoment moment, CancellationToken cancellationToken) => _ = DecideAsync(moment, cancellationToken);

    public bool TryTakeDecided(out (DecisionMoment Moment, string? DecisionId, SimulatedOffer? Offer) result) => decided.TryDequeue(out result);

    /// <summary>Reports what the customer did; the service publishes it to the feedback topic.</summary>
    public async Task ReportAsync(string decisionId, string actionId, bool accepted, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Post($"/v1/decisions/{decisionId}/outcome", new JsonObject
            {
                ["actionId"] = actionId,
                ["outcome"] = accepted ? "accepted" : "declined",
            });
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failed);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref failed);
        }
    }

    private async Task DecideAsync(DecisionMoment moment, CancellationToken cancellationToken)
    {
        try
        {
            var cart = new JsonArray();
            foreach (var item in moment.Cart)
            {
                cart.Add(new JsonObject
                {
                    ["productId"] = item.ProductId,
                    ["category"] = item.Category,
                    ["productLine"] = item.ProductLine,
                    ["price"] = item.Price,
                    ["quantity"] = item.Quantity,
                });
            }

            using var request = Post("/v1/decisions", new JsonObject
            {
                ["customerId"] = moment.CustomerId,
                ["touchpoint"] = moment.Touchpoint,
                ["channel"] = moment.Channel,
                ["context"] = new JsonObject { ["cart"] = cart },
                ["maxActions"] = 1,
            });
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failed);
                decided.Enqueue((moment, null, null));
                return;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            decided.Enqueue((moment, body.GetProperty("decisionId").GetString(), FirstOffer(body)));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Interlocked.Increment(ref failed);
            decided.Enqueue((moment, null, null));
        }
    }

    /// <summary>The first action of a decision response as the hidden model sees an offer.</summary>
    public static SimulatedOffer? FirstOffer(JsonElement decision)
    {
        if (decision.GetProperty("actions") is not { ValueKind: JsonValueKind.Array } actions || actions.GetArrayLength() == 0)
        {
            return null;
        }

        var a = actions[0];
        string? Text(string name) => a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        double? Number(string name) => a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        return new SimulatedOffer(Text("actionId")!, Text("kind")!, Text("productLine"), Number("discountPercent") ?? 0, Number("value") ?? 0)
        {
            Price = Number("price"),
            BundleProducts = a.TryGetProperty("bundleProducts", out var products) && products.ValueKind == JsonValueKind.Array
                ? [.. products.EnumerateArray().Select(p => p.GetString()!)]
                : [],
        };
    }

    private HttpRequestMessage Post(string path, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", apiKey);
        return request;
    }
}
