using System.Text.Json.Nodes;
using NextBestAction.OperatorConsole.Models;

namespace NextBestAction.UnitTests.OperatorConsole;

public sealed class VersionReportTests
{
    [Fact]
    public void Parse_ReadsTheFiguresTrainingWrites_AndWorksOutTheCalibrationError()
    {
        var report = VersionReport.Parse(JsonNode.Parse("""
            {"version":"m1","createdAt":"2026-12-01T10:00:00+00:00",
             "data":{"trainingRows":800,"validationRows":200},
             "model":{"name":"m1","auc":0.71,"logLoss":0.4,"meanPredicted":0.2,"observedRate":0.2,"rows":200},
             "baseline":{"name":"prior-v2","auc":0.62,"logLoss":0.5,"meanPredicted":0.2,"observedRate":0.2,"rows":200},
             "calibration":[{"from":0,"to":0.1,"rows":100,"meanPredicted":0.05,"observedRate":0.07},
                            {"from":0.1,"to":0.5,"rows":300,"meanPredicted":0.3,"observedRate":0.26}],
             "customerModels":{"churn":{"model":{"auc":0.66}},"value":{"rmse":12.5,"rSquared":0.31}},
             "warnings":["few positives"]}
            """));

        Assert.Equal((0.71, 0.62, 200), (report.Auc, report.BaselineAuc, report.ValidationRows));
        // (100 x 0.02 + 300 x 0.04) / 400
        Assert.Equal(0.035, report.Ece!.Value, 12);
        Assert.Null(report.BaselineEce);
        Assert.Equal((0.66, 12.5, 0.31), (report.ChurnAuc, report.ValueRmse, report.ValueRSquared));
        Assert.Equal(["few positives"], report.Warnings);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), report.TrainedAt);
    }

    [Fact]
    public void ParseEvaluation_FindsTheDoublyRobustEstimate_AndTheVerdict()
    {
        var figures = VersionReport.ParseEvaluation(JsonNode.Parse("""
            {"samples":500,"policy":"greedy","logged":{"method":"logged","value":1.1},
             "estimates":[{"method":"IPS","value":1.2,"lower":0.9,"upper":1.5},{"method":"DR","value":1.3,"lower":1.1,"upper":1.5}],
             "challenger":{"verdict":"The challenger earns more."}}
            """));

        Assert.Equal(new EstimateFigure("DR", 1.3, 1.1, 1.5), figures.DoublyRobust);
        Assert.Equal((500, 1.1, "The challenger earns more."), (figures.Samples, figures.Logged, figures.Verdict));
    }

    [Fact]
    public void Read_WithoutAReport_SaysSo()
    {
        var (report, problem) = VersionReport.Read(Path.Combine(Path.GetTempPath(), $"nba-no-version-{Guid.NewGuid():N}"));

        Assert.Null(report);
        Assert.Contains("no report.json", problem, StringComparison.Ordinal);
    }
}
