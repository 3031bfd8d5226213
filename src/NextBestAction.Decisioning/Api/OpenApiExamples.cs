using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace NextBestAction.Decisioning.Api;

/// <summary>
/// Request and response examples in the OpenAPI document, so a webshop developer can call the API from the
/// document alone. Keyed by endpoint name; examples follow docs/contracts.md.
/// </summary>
internal static class OpenApiExamples
{
    private static readonly Dictionary<string, (string? Request, string Response)> ByEndpoint = new(StringComparer.Ordinal)
    {
        ["Decide"] = (
            """
            {"customerId":"cust-00042","touchpoint":"checkout","channel":"web",
             "context":{"cart":[{"productId":"p-galaxy-s-25","category":"phones","productLine":"galaxy-s","price":899.0,"quantity":1}]},
             "maxActions":1,"debug":false}
            """,
            """
            {"decisionId":"019aa3c4e5f67a8b9c0d1e2f3a4b5c6d","customerId":"cust-00042",
             "actions":[{"actionId":"bundle-galaxy-s","kind":"bundle","title":"Galaxy S protective case and 45 W charger at 15% off",
               "score":15.85,"propensity":0.55,"value":24,"probability":1.0,
               "reasons":["BUNDLE_ONLY: no service action is eligible; galaxy-s in the cart, added in this visit",
                          "CART_PRODUCT_LINE: the cart holds 1 galaxy-s item(s)",
                          "FRESH_INTENT: a galaxy-s product was put in the cart in this visit"],
               "explanation":[{"feature":"bundle_baseline","contribution":2.88},{"feature":"cart_product_line","contribution":7.2},
                              {"feature":"fresh_cart_intent","contribution":2.88},{"feature":"discount_appeal","contribution":2.89}]}],
             "degraded":false,"modelVersion":"prior-v2","catalogVersion":"2026-11-23.2+3f9a1c2e",
             "arbitration":{"family":"bundle","serviceSignal":0,"bundleSignal":0.6,"reason":"BUNDLE_ONLY: no service action is eligible; galaxy-s in the cart, added in this visit"}}
            """),
        ["RecordOutcome"] = (
            """{"actionId":"bundle-galaxy-s","outcome":"declined"}""",
            """{"decisionId":"019aa3c4e5f67a8b9c0d1e2f3a4b5c6d","actionId":"bundle-galaxy-s","outcome":"declined","alreadyRecorded":false}"""),
    };

    public static OpenApiOptions AddExamples(this OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name is null || !ByEndpoint.TryGetValue(name, out var example))
        {
            return Task.CompletedTask;
        }

        if (example.Request is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var request) == true)
        {
            request.Example = JsonNode.Parse(example.Request);
        }

        if (operation.Responses?.TryGetValue(StatusCodes.Status200OK.ToString(System.Globalization.CultureInfo.InvariantCulture), out var ok) == true
            && ok.Content?.TryGetValue("application/json", out var response) == true)
        {
            response.Example = JsonNode.Parse(example.Response);
        }

        return Task.CompletedTask;
    });
}
