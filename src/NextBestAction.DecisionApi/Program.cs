using NextBestAction.Decisioning;
using NextBestAction.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultLocalUrl("http://localhost:5081");
builder.AddDecisionApiServices();

var app = builder.Build();
app.UseDecisionApiPipeline();
app.Run();
