using System.Security.Claims;
using NextBestAction.Decisioning.Privacy;
using NextBestAction.OperatorConsole.Customers;
using NextBestAction.ServiceDefaults.Auth;
using NextBestAction.UnitTests.Decisioning;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class ContactHistoryViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 6, 40, 0, TimeSpan.Zero);

    [Fact]
    public void Decline_WithinTheCatalogsCooldown_InCooldownUntilDeclinePlusCooldown()
    {
        var row = ContactHistoryView.Decline(new ExportedDecline("bundle-iphone", Now.AddHours(-10)), TestCatalog.Load(), Now);

        Assert.Equal(Now.AddHours(62), row.CooldownUntil);
        Assert.True(row.InCooldown);
    }

    [Fact]
    public void Decline_PastTheCooldown_NotInCooldown()
    {
        var row = ContactHistoryView.Decline(new ExportedDecline("bundle-iphone", Now.AddHours(-72)), TestCatalog.Load(), Now);

        Assert.Equal(Now, row.CooldownUntil);
        Assert.False(row.InCooldown);
    }

    [Fact]
    public void Decline_NoCooldownOrActionGone_NoCooldown()
    {
        var noCooldown = TestCatalog.With("\"cooldownAfterDeclineHours\": 72", "\"cooldownAfterDeclineHours\": 0");

        Assert.Null(ContactHistoryView.Decline(new ExportedDecline("bundle-iphone", Now.AddHours(-1)), noCooldown, Now).CooldownUntil);
        var gone = ContactHistoryView.Decline(new ExportedDecline("retired-action", Now.AddHours(-1)), TestCatalog.Load(), Now);
        Assert.Null(gone.CooldownUntil);
        Assert.False(gone.InCooldown);
    }

    [Fact]
    public void From_ImpressionsPerDayNewestFirst_DeclinesNewestFirst()
    {
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var view = ContactHistoryView.From(
            [new(today.AddDays(-1), "bundle-iphone", 2), new(today, "service-advisor", 1), new(today, "*", 3), new(today, "bundle-iphone", 2)],
            [new("service-advisor", Now.AddHours(-5)), new("bundle-iphone", Now.AddHours(-1))],
            TestCatalog.Load(),
            Now);

        Assert.Equal([today, today.AddDays(-1)], view.Days.Select(d => d.Day));
        Assert.Equal(["*", "bundle-iphone", "service-advisor"], view.Days[0].PerAction.Select(i => i.ActionId));
        Assert.Equal(["bundle-iphone", "service-advisor"], view.Declines.Select(d => d.ActionId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DryRun_AllowedOnlyWithTheDecideDebugScope(bool withDebug)
    {
        var scopes = withDebug ? new[] { Scopes.Console, Scopes.ProfileRead, Scopes.DecideDebug } : [Scopes.Console, Scopes.ProfileRead];
        var user = new ClaimsPrincipal(new ClaimsIdentity(scopes.Select(s => new Claim(ApiKeyAuthenticationHandler.ScopeClaim, s)), "test"));

        Assert.Equal(withDebug, CustomerDryRun.MayRun(user));
    }
}
