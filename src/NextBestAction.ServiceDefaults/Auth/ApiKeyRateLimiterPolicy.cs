using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using NextBestAction.Telemetry;

namespace NextBestAction.ServiceDefaults.Auth;

/// <summary>
/// One token bucket per API key name, sized by that key's <c>RequestsPerSecond</c> and <c>Burst</c>, and one
/// bucket shared by every request without a valid key. Needs the authentication middleware to have run first.
/// Refusals answer 429 with <c>Retry-After</c> and an RFC 7807 body that names the key's holder, never the key.
/// </summary>
public sealed class ApiKeyRateLimiterPolicy : IRateLimiterPolicy<string>
{
    public const string PolicyName = "api-key";

    /// <summary>Metric tag of requests without a valid key; the parentheses keep it apart from key names.</summary>
    public const string UnauthenticatedTag = "(unauthenticated)";

    private readonly Dictionary<string, Bucket> byName;
    private readonly Bucket unauthenticated;
    private readonly NbaTelemetry telemetry;

    public ApiKeyRateLimiterPolicy(IOptions<AuthOptions> options, NbaTelemetry telemetry)
    {
        var auth = options.Value;
        this.telemetry = telemetry;
        // Keys that share a name share a bucket; the validator makes sure they agree on its size.
        byName = auth.ApiKeys
            .GroupBy(k => k.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Bucket(g.Key, g.First().RequestsPerSecond, g.First().Burst), StringComparer.Ordinal);
        unauthenticated = new Bucket(null, auth.UnauthenticatedRequestsPerSecond, auth.UnauthenticatedBurst);
        OnRejected = (context, _) => RejectAsync(context);
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; }

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) => BucketOf(httpContext).Partition;

    /// <summary>
    /// Whole tokens per period with the period stretched to match the rate (2.5/s: 2 tokens every 0.8 s;
    /// 0.01/s: 1 token every 100 s). Periods stay at two thirds of a second or longer, well above the
    /// 100 ms tick on which the partitioned limiter refills its buckets. No queue: a realtime caller
    /// is better served by a prompt 429 than by a held connection.
    /// </summary>
    public static TokenBucketRateLimiterOptions TokenBucket(double requestsPerSecond, int burst)
    {
        var tokens = Math.Max(1, (int)Math.Round(requestsPerSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / requestsPerSecond),
            QueueLimit = 0,
            // The partitioned limiter refills all buckets from one timer of its own.
            AutoReplenishment = false,
        };
    }

    /// <summary>Whole seconds for <c>Retry-After</c>: rounded up, at least 1 (also when the limiter gave no hint).</summary>
    public static int RetryAfterSeconds(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, int.MaxValue) : 1;

    /// <summary>Only names this scheme authenticated have buckets; anything else counts as without a valid key.</summary>
    private Bucket BucketOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, AuthenticationType: ApiKeyAuthenticationHandler.SchemeName, Name: { } name }
        && byName.TryGetValue(name, out var bucket)
            ? bucket
            : unauthenticated;

    private ValueTask RejectAsync(OnRejectedContext context)
    {
        var http = context.HttpContext;
        var bucket = BucketOf(http);
        telemetry.RateLimited.Add(1, new KeyValuePair<string, object?>("key", bucket.KeyName ?? UnauthenticatedTag));

        var seconds = RetryAfterSeconds(context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = bucket.KeyName is null
            ? $"Too many requests without a valid API key. Retry after {seconds} s."
            : $"The API key named \"{bucket.KeyName}\" is limited to {bucket.RequestsPerSecond.ToString(CultureInfo.InvariantCulture)} requests per second "
              + $"with bursts of up to {bucket.Burst}. Retry after {seconds} s.";
        var problem = TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Rate limit exceeded");
        return new ValueTask(problem.ExecuteAsync(http));
    }

    /// <summary>A key name's bucket, or with a null name the bucket of requests without a valid key.</summary>
    private sealed class Bucket
    {
        public Bucket(string? keyName, double requestsPerSecond, int burst)
        {
            KeyName = keyName;
            RequestsPerSecond = requestsPerSecond;
            Burst = burst;
            var options = TokenBucket(requestsPerSecond, burst);
            // Built once: GetPartition runs on every request and should not allocate.
            Partition = RateLimitPartition.GetTokenBucketLimiter(keyName is null ? UnauthenticatedTag : $"key:{keyName}", _ => options);
        }

        public string? KeyName { get; }

        public double RequestsPerSecond { get; }

        public int Burst { get; }

        public RateLimitPartition<string> Partition { get; }
    }
}
