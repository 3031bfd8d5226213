using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using NextBestAction.Decisioning;
using NextBestAction.Decisioning.Api;
using NextBestAction.Decisioning.Catalog;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.ServiceDefaults.Auth;

namespace NextBestAction.OperatorConsole.Customers;

/// <summary>A dry run's answer with its candidates in funnel order; or the request's field errors, and no decision.</summary>
public sealed record DryRunOutcome(DecisionResponse? Response, IReadOnlyList<CandidateRow> Candidates, IReadOnlyDictionary<string, string[]> Errors)
{
    public static DryRunOutcome Invalid(IReadOnlyDictionary<string, string[]> errors) => new(null, [], errors);
}

/// <summary>
/// "Decide now": the decision service itself with <c>dryRun</c> (no impression, record or decision-log entry) and
/// <c>debug</c> (why every action fell out), validated as <c>POST /v1/decisions</c> validates, and audited as a debug
/// decision, which shows what the profile holds.
/// </summary>
public sealed class CustomerDryRun(DecisionService decisions, CatalogProvider catalogs, PersonalDataAudit audit)
{
    public const string NotAllowedMessage =
        "Decide now shows what the profile holds, as a debug decision does: it needs a key with the " + Scopes.DecideDebug + " scope. Nothing was run.";

    /// <summary>Whether the signed-in key may run a dry run: the API asks <c>decide:debug</c> for a debug answer.</summary>
    public static bool MayRun(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scopes.DecideDebug);
    }

    public async Task<DryRunOutcome> RunAsync(HttpContext context, string? customerId, string? touchpoint, string? channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = new DecisionRequest(customerId, touchpoint, channel, Context: null, MaxActions: null, Debug: true, DryRun: true);
        var errors = DecisionRequestValidator.Validate(request, catalogs.Current);
        if (errors.Count > 0)
        {
            return DryRunOutcome.Invalid(errors);
        }

        await audit.RecordAsync(context, customerId!, PersonalDataAudit.DebugDecision);
        var response = await decisions.DecideAsync(request, cancellationToken);
        return new DryRunOutcome(response, response.Debug is { } debug ? CandidateFunnel.Rows(debug) : [], errors);
    }
}
