using NextBestAction.Decisioning;
using NextBestAction.OperatorConsole;
using NextBestAction.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultLocalUrl("http://localhost:5081");
builder.AddDecisionApiServices();
builder.AddOperatorConsole();

var app = builder.Build();
app.UseDecisionApiPipeline();
app.MapOperatorConsole();
app.Run();
