using NextBestAction.Decisioning;
using NextBestAction.Ingestion;
using NextBestAction.Notifications;
using NextBestAction.OperatorConsole;
using NextBestAction.Profiles;
using NextBestAction.Server;
using NextBestAction.Server.Embedded;
using NextBestAction.ServiceDefaults;
using NextBestAction.ServiceDefaults.Auth;
using NextBestAction.Simulator;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultLocalUrl("http://localhost:5080");
builder.AddEmbeddedInfrastructure();
builder.AddServiceDefaults();
builder.AddProfileStore();

var parts = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
if (parts.RunApi)
{
    builder.AddApiKeyAuthentication();
    builder.AddDecisioning();
    builder.AddOperatorConsole();
}

if (parts.RunIngestion)
{
    builder.AddIngestion();
    builder.AddNotifications();
}

builder.AddTrafficSimulator();
builder.Services.AddSingleton<ISelfAddress, KestrelSelfAddress>();
builder.Services.AddSingleton(parts);
builder.Services.AddHostedService<StartupBanner>();

var app = builder.Build();
app.UseServiceDefaults();
if (parts.RunApi)
{
    app.UseDecisionApi();
    app.MapOperatorConsole();
}

app.MapDefaultEndpoints();
app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
