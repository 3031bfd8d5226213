using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace NextBestAction.Decisioning.Api;

/// <summary>
/// Reads the JSON body of a route. What is wrong with a body is told in the API's terms (the field's JSON path and the
/// JSON type it needs), never in the serializer's, which names .NET types. Every route with a JSON body reads it here.
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>The body as <typeparamref name="T"/>, or a 400 problem saying what is wrong with it.</summary>
    /// <param name="noun">What the body is, in the API's words: "decision request", "outcome".</param>
    public static async Task<JsonBody<T>> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> type, string noun, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken);
            return value is null ? new(null, Malformed(noun, "it must be a JSON object, not null")) : new(value, null);
        }
        catch (JsonException ex) when (ex.InnerException is JsonException)
        {
            // The reader's own exception inside: the text is not JSON at all.
            return new(null, Malformed(noun, $"it is not well-formed JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})"));
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
            if (field.Length == 0)
            {
                return new(null, Malformed(noun, "it must be a JSON object"));
            }

            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [$"{field} must be {Describe(TypeAt(type, field))}"] };
            return new(null, TypedResults.Problem(new HttpValidationProblemDetails(errors)
            {
                Title = $"Invalid {noun}",
                Detail = $"The body is not a valid {noun}: {field} has the wrong JSON type.",
                Status = StatusCodes.Status400BadRequest,
            }));
        }
    }

    private static ProblemHttpResult Malformed(string noun, string reason) =>
        TypedResults.Problem(title: $"Malformed {noun}", detail: $"The body is not a valid {noun}: {reason}.", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The contract at a field path like <c>context.cart[0].price</c>, found by walking the serializer's metadata.</summary>
    private static JsonTypeInfo? TypeAt(JsonTypeInfo root, string field)
    {
        JsonTypeInfo? current = root;
        foreach (var segment in field.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            var property = current?.Properties.FirstOrDefault(p => p.Name == name);
            current = property is null ? null : current!.Options.GetTypeInfo(property.PropertyType);
            for (var i = bracket; i >= 0 && current is not null; i = segment.IndexOf('[', i + 1))
            {
                current = current.ElementType is { } element ? current.Options.GetTypeInfo(element) : null;
            }
        }

        return current;
    }

    private static string Describe(JsonTypeInfo? type)
    {
        if (type is null)
        {
            return "a different JSON value";
        }

        if (type.Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary)
        {
            return "an object";
        }

        if (type.Kind == JsonTypeInfoKind.Enumerable)
        {
            return "an array";
        }

        var clr = Nullable.GetUnderlyingType(type.Type) ?? type.Type;
        return Type.GetTypeCode(clr) switch
        {
            TypeCode.String => "a string",
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "an integer",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            _ when clr == typeof(DateTimeOffset) || clr == typeof(DateTime) => "a date and time string (ISO 8601)",
            _ => "a different JSON value",
        };
    }
}

/// <summary>A request body read by <see cref="JsonRequestBody"/>: the value, or the problem to answer with.</summary>
internal readonly record struct JsonBody<T>(T? Value, ProblemHttpResult? Problem)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool IsRead => Problem is null && Value is not null;
}
