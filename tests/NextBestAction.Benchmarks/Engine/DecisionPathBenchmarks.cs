using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.Decisioning.Engine;
using NextBestAction.Decisioning.Serving;
using NextBestAction.Profiles;

namespace NextBestAction.Benchmarks.Engine;

/// <summary>
/// The CPU work of one decision outside Redis and Kestrel, for BenchmarkDotNet. Each call takes the next of the
/// precomputed inputs in turn, so branch predictors and caches see a realistic mix rather than one customer.
/// Public and unsealed because BenchmarkDotNet requires it.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The writer lives from [GlobalSetup] to [GlobalCleanup], the lifetime BenchmarkDotNet gives benchmark state.")]
public class DecisionPathBenchmarks
{
    private EngineWorkload workload = null!;
    private ArrayBufferWriter<byte> responseBuffer = null!;
    private Utf8JsonWriter responseWriter = null!;
    private int next;

    /// <summary>
    /// Prepared by the <c>engine</c> command before BenchmarkDotNet starts; the in-process toolchain runs these
    /// methods in this process, so they pick it up here instead of building it again per method.
    /// </summary>
    internal static EngineWorkload? Workload { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        workload = Workload ?? throw new InvalidOperationException($"{nameof(Workload)} must be prepared before BenchmarkDotNet runs");
        responseBuffer = new ArrayBufferWriter<byte>(4096);
        responseWriter = new Utf8JsonWriter(responseBuffer);
    }

    [GlobalCleanup]
    public void Cleanup() => responseWriter.Dispose();

    /// <summary>The pure engine: features, filters, scores, arbitration, greedy pick and explanations of up to 3 actions.</summary>
    [Benchmark]
    public EngineDecision Decide() => workload.Engine.Decide(workload.Inputs[Next()], workload.Catalog);

    /// <summary>
    /// The decision service's profile read after Redis answered: the stored decision part and temporary data decoded.
    /// </summary>
    [Benchmark]
    public CustomerProfile? ProfileRead()
    {
        var i = Next();
        return RedisProfileStore.FromRead(workload.CustomerIds[i], workload.StoredProfiles[i], workload.Inputs[i].Now);
    }

    /// <summary>The same read of the same profiles stored as release 1's JSON (parsed in the decision's view): the baseline.</summary>
    [Benchmark]
    public CustomerProfile? ProfileReadJson()
    {
        var i = Next();
        return RedisProfileStore.FromRead(workload.CustomerIds[i], workload.StoredProfilesJson[i], workload.Inputs[i].Now);
    }

    /// <summary>What the decision-log publisher does per decision on its background thread: record, JSON, seal and CloudEvent JSON.</summary>
    [Benchmark]
    public byte[] LogRecord() => DecisionLogPublisher.Serialize(workload.Served[Next()], EngineWorkload.LogSubject, EngineWorkload.LogKey);

    /// <summary>
    /// The API's JSON per decision: read and validate the request body, write the response body (into a reused
    /// buffer, as Kestrel writes into its pipe).
    /// </summary>
    [Benchmark]
    public int RequestResponseJson()
    {
        var i = Next();
        var request = JsonSerializer.Deserialize(workload.RequestBodies[i], DecisionJsonContext.Default.DecisionRequest)!;
        var errors = DecisionRequestValidator.Validate(request, workload.Catalog);
        responseBuffer.ResetWrittenCount();
        responseWriter.Reset(responseBuffer);
        JsonSerializer.Serialize(responseWriter, workload.Responses[i], DecisionJsonContext.Default.DecisionResponse);
        return responseBuffer.WrittenCount + errors.Count;
    }

    private int Next()
    {
        var i = next;
        next = i + 1 == workload.Inputs.Length ? 0 : i + 1;
        return i;
    }
}
