using NextBestAction.Ingestion;
using NextBestAction.Notifications;
using NextBestAction.Profiles;
using NextBestAction.ServiceDefaults;

// A web host only for /health and /metrics; the work is the ingestion consumer.
var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultLocalUrl("http://localhost:5082");
builder.AddServiceDefaults();
builder.AddProfileStore();
builder.AddIngestion();
builder.AddNotifications();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.Run();
