using NextBestAction.Decisioning;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;
using NextBestAction.ServiceDefaults.Auth;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultLocalUrl("http://localhost:5081");
builder.AddServiceDefaults();
builder.AddProfileStore();
builder.AddApiKeyAuthentication();
builder.AddDecisioning();

var app = builder.Build();
app.UseServiceDefaults();
app.UseDecisionApi();
app.MapDefaultEndpoints();
app.Run();
