using System.CommandLine;
using System.Globalization;
using NextBestAction.Learning.Evaluation;
using NextBestAction.Training.Evaluation;
using NextBestAction.Training.History;
using NextBestAction.Training.Propensity;

namespace NextBestAction.Training.Cli;

/// <summary>
/// The command line: <c>train</c> and <c>evaluate</c> with their options. Bad options are a usage error (exit code 2); data that
/// cannot give a model or an estimate, or a source that cannot be read, fail the run (exit code 1) with the reason on standard error.
/// </summary>
internal static class TrainingCli
{
    public const int Failed = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("NextBestAction training: learns models from logged decisions and their outcomes.");
        root.Subcommands.Add(TrainCommand(clock));
        root.Subcommands.Add(EvaluateCommand(clock));
        var parsed = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            await error.WriteLineAsync("Run with --help to see the commands and their options.");
            return UsageError;
        }

        return await parsed.InvokeAsync(configuration, cancellationToken);
    }

    private static Command TrainCommand(TimeProvider clock)
    {
        var decisions = Source("--decisions", "decision.logged CloudEvents: a JSON-lines file (one event per line) or kafka:<topic>, e.g. kafka:nba.decisions.");
        var outcomes = Source("--outcomes", "Feedback CloudEvents (offer.accepted, offer.declined, offer.ignored): a JSON-lines file or kafka:<topic>, e.g. kafka:nba.feedback.");
        var (bootstrap, kafkaSettings) = KafkaOptions();
        var (redis, redisPrefix) = RedisOptions();
        var output = new Option<string>("--out") { Description = "The models directory; the model is written to <out>/<version>/.", Required = true };
        var version = new Option<string?>("--version") { Description = "The model's version (a new directory name); default propensity-<yyyyMMddHHmmss>-<seed> (UTC)." };
        var seed = new Option<int>("--seed") { Description = "Seed of ML.NET and FastTree: same data, settings and seed give the same model.json.", DefaultValueFactory = _ => 42 };
        var trees = Range("--trees", 100, 1, 10_000, "Boosted trees.");
        var leaves = Range("--leaves", 20, 2, 1_000, "Leaves per tree.");
        var minLeaf = Range("--min-examples-per-leaf", 10, 1, 1_000_000, "Fewest training examples a leaf may hold.");
        var holdout = Number("--holdout-fraction", 0.2, v => v is > 0 and < 1,
            "Share of the latest decisions held out for validation, between 0 and 1.",
            "--holdout-fraction must be greater than 0 and less than 1.");
        var orders = new Option<string?>("--orders")
        {
            Description = "Order CloudEvents (order.placed gives the labels): a JSON-lines file or kafka:<topic>, e.g. kafka:nba.orders. "
                + "With it, train also writes churn.json (no order within the horizon) and value.json (spend within the horizon).",
        };
        orders.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } spec && HistorySource.TryParse(spec, out var problem) is null)
            {
                r.AddError($"--orders: {problem}.");
            }
        });
        var horizon = Number("--horizon-days", 30, v => v is > 0 and <= 3650,
            "Days after a decision in which its customer's orders count for the churn and value labels.",
            "--horizon-days must be greater than 0 and at most 3650.");
        var learningRate = Number("--learning-rate", 0.2, v => v is > 0 and <= 1,
            "Shrinkage of each tree.",
            "--learning-rate must be greater than 0 and at most 1.");

        var command = new Command("train",
            "Join logged decisions with their outcomes (one example per chosen action: accepted or not), hold out the latest decisions, "
            + "train a FastTree propensity model and write model.json (served by the decision API), model.zip (ML.NET), report.json and report.md; "
            + "with --orders also a churn classifier (churn.json) and a value regression (value.json) on the customers' orders after each decision.");
        foreach (var option in new Option[] { decisions, outcomes, orders, horizon, bootstrap, kafkaSettings, redis, redisPrefix, output, version, seed, trees, leaves, holdout, learningRate, minLeaf })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = new TrainSettings(
                HistorySource.TryParse(parsed.GetValue(decisions), out _)!,
                HistorySource.TryParse(parsed.GetValue(outcomes), out _)!,
                new KafkaSettings(parsed.GetValue(bootstrap)!, ParseSettings(parsed.GetValue(kafkaSettings))),
                parsed.GetValue(output)!,
                parsed.GetValue(version),
                new TrainerOptions(parsed.GetValue(seed), parsed.GetValue(trees), parsed.GetValue(leaves), parsed.GetValue(learningRate), parsed.GetValue(minLeaf)),
                parsed.GetValue(holdout),
                clock.GetUtcNow(),
                parsed.GetValue(orders) is { } ordersSpec ? HistorySource.TryParse(ordersSpec, out _) : null,
                TimeSpan.FromDays(parsed.GetValue(horizon)),
                Keys(parsed, redis, redisPrefix));
            var stdout = parsed.InvocationConfiguration.Output;
            var stderr = parsed.InvocationConfiguration.Error;
            try
            {
                await PropensityTraining.RunAsync(settings, stdout, cancellationToken);
                return 0;
            }
            catch (Exception ex) when (ex is TrainingException or HistoryReadException or IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"train failed: {ex.Message}");
                return Failed;
            }
        });
        return command;
    }

    private static Command EvaluateCommand(TimeProvider clock)
    {
        var decisions = Source("--decisions", "decision.logged CloudEvents: a JSON-lines file (one event per line) or kafka:<topic>, e.g. kafka:nba.decisions.");
        var outcomes = Source("--outcomes", "Feedback CloudEvents (offer.accepted gives the reward): a JSON-lines file or kafka:<topic>, e.g. kafka:nba.feedback.");
        var (bootstrap, kafkaSettings) = KafkaOptions();
        var (redis, redisPrefix) = RedisOptions();
        var model = new Option<string>("--model")
        {
            Description = $"The candidate model: a directory with {PropensityTraining.ModelFile} (e.g. models/<version>), the file itself, or "
                + $"\"{PolicyEvaluation.Prior}\" (the rules-only prior, taken from the logged propensities).",
            Required = true,
        };
        var challenger = new Option<string?>("--challenger")
        {
            Description = "A challenger model, given as --model is, evaluated on the same decisions beside --model (the champion): both policies' "
                + "estimates, the paired difference challenger - champion with its interval, and each arm's realised value where the challenger served traffic.",
        };
        var epsilon = Number("--epsilon", 0, v => v is >= 0 and <= 1,
            "0 evaluates the greedy policy; above 0 epsilon-greedy around it, up to 1.",
            "--epsilon must be between 0 and 1.");
        var resamples = Range("--bootstrap-resamples", 0, 0, 100_000, "Percentile bootstrap intervals over this many resamples; 0 for normal-approximation intervals.");
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap resampling.", DefaultValueFactory = _ => 42 };
        var output = new Option<string?>("--out") { Description = $"A directory for {PolicyEvaluation.ReportFile} and {PolicyEvaluation.ReportMarkdownFile}; without it the report is only printed." };

        var command = new Command("evaluate",
            "Off-policy evaluation of a candidate policy on logged decisions: the candidate model re-ranks each decision's logged candidates "
            + "(propensity x context weight x value x lever, arbitrated family first) and IPS, self-normalised IPS, doubly robust and the direct "
            + "method estimate its value per decision, with 95% intervals, beside the logging policy's observed mean reward.");
        foreach (var option in new Option[] { decisions, outcomes, bootstrap, kafkaSettings, redis, redisPrefix, model, challenger, epsilon, resamples, seed, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = new EvaluateSettings(
                HistorySource.TryParse(parsed.GetValue(decisions), out _)!,
                HistorySource.TryParse(parsed.GetValue(outcomes), out _)!,
                new KafkaSettings(parsed.GetValue(bootstrap)!, ParseSettings(parsed.GetValue(kafkaSettings))),
                parsed.GetValue(model)!,
                parsed.GetValue(epsilon),
                parsed.GetValue(resamples),
                parsed.GetValue(seed),
                parsed.GetValue(output),
                clock.GetUtcNow(),
                Keys(parsed, redis, redisPrefix),
                parsed.GetValue(challenger));
            try
            {
                await PolicyEvaluation.RunAsync(settings, parsed.InvocationConfiguration.Output, cancellationToken);
                return 0;
            }
            catch (Exception ex) when (ex is EvaluationException or OffPolicyDataException or HistoryReadException or IOException or UnauthorizedAccessException)
            {
                await parsed.InvocationConfiguration.Error.WriteLineAsync($"evaluate failed: {ex.Message}");
                return Failed;
            }
        });
        return command;
    }

    private static (Option<string> Bootstrap, Option<string[]> Settings) KafkaOptions()
    {
        var bootstrap = new Option<string>("--bootstrap") { Description = "Kafka brokers (comma-separated) when a source is kafka:<topic>.", DefaultValueFactory = _ => "localhost:9092" };
        var kafkaSettings = new Option<string[]>("--kafka-setting")
        {
            Description = "An extra librdkafka setting as key=value (e.g. security.protocol=SASL_SSL); repeat for more.",
            AllowMultipleArgumentsPerToken = false,
        };
        kafkaSettings.Validators.Add(r =>
        {
            foreach (var setting in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (setting.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    r.AddError($"--kafka-setting \"{setting}\" must be key=value.");
                }
            }
        });
        return (bootstrap, kafkaSettings);
    }

    private static (Option<string?> Redis, Option<string> Prefix) RedisOptions()
    {
        var redis = new Option<string?>("--redis")
        {
            Description = "The service's Redis (StackExchange.Redis configuration, e.g. localhost:6379,user=training,password=...): the decision log "
                + "is sealed per customer and the keys are there. Records of erased customers no longer open and are skipped.",
        };
        var prefix = new Option<string>("--redis-prefix") { Description = "The service's Redis:KeyPrefix.", DefaultValueFactory = _ => "nba" };
        return (redis, prefix);
    }

    private static KeySource? Keys(ParseResult parsed, Option<string?> redis, Option<string> prefix) =>
        parsed.GetValue(redis) is { Length: > 0 } configuration ? new KeySource(configuration, parsed.GetValue(prefix)!) : null;

    private static Option<string> Source(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, Required = true };
        option.Validators.Add(r =>
        {
            if (HistorySource.TryParse(r.GetValueOrDefault<string>(), out var problem) is null)
            {
                r.AddError($"{name}: {problem}.");
            }
        });
        return option;
    }

    /// <summary>A decimal option whose value must pass <paramref name="valid"/>; otherwise a usage error with <paramref name="error"/>.</summary>
    private static Option<double> Number(string name, double defaultValue, Func<double, bool> valid, string description, string error)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (!valid(r.GetValueOrDefault<double>()))
            {
                r.AddError(error);
            }
        });
        return option;
    }

    private static Option<int> Range(string name, int defaultValue, int min, int max, string description)
    {
        var option = new Option<int>(name) { Description = $"{description} {min} to {max}.", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}, was {value}."));
            }
        });
        return option;
    }

    private static Dictionary<string, string> ParseSettings(string[]? settings) =>
        (settings ?? []).Select(s => s.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
}
