using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Testing;

namespace NextBestAction.IntegrationTests.Docs;

/// <summary>
/// The README's examples run as printed: every bash block that talks to the running server (its URL or the
/// <c>$NBA_...</c> addresses the start-up log prints) runs, in order, in one shell against a freshly started
/// all-in-one server process, with the <c>export</c> line pasted from that server's log. Only the port differs:
/// the server listens on a free one instead of 5080, so a developer's own server does not get in the way.
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    private const string PrintedUrl = "localhost:5080";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ReadmeExamples_RunAsPrinted_AgainstAFreshEmbeddedServer()
    {
        var blocks = ServerExamples();
        Assert.True(blocks.Count >= 5, $"only {blocks.Count} README examples talk to the server");
        var port = RedisServerLauncher.FreePort();
        await using var server = ServerProcess.Start(port);
        var exports = await server.WaitForLineAsync(ExportsLine(), StartTimeout);

        var script = new StringBuilder()
            .AppendLine("set -euo pipefail")
            // An HTTP error fails the example, as it would fail a reader (curl refuses --fail-with-body beside --fail).
            .AppendLine("""curl() { case " $* " in *" --fail "*) command curl --show-error "$@" ;; *) command curl --fail-with-body --show-error "$@" ;; esac; }""")
            .AppendLine(exports);
        foreach (var (line, body) in blocks)
        {
            script.AppendLine($"echo '### README line {line}'").AppendLine(body.Replace(PrintedUrl, $"127.0.0.1:{port}", StringComparison.Ordinal));
        }

        var (exitCode, output) = await RunBashAsync(script.ToString());

        Assert.True(exitCode == 0, $"README examples failed (exit {exitCode}):\n{output}\n--- server log ---\n{server.OutputTail}");
        // What the README says the examples show: the galaxy-s bundle for the cart, then the iphone bundle for cust-7.
        Assert.True(output.Contains("\"actionId\":\"bundle-galaxy-s\"", StringComparison.Ordinal), output);
        Assert.True(Regex.IsMatch(output, "(?m)^bundle-iphone$"), output);
    }

    /// <summary>The bash blocks that use the running server, with the README line they start on.</summary>
    private static List<(int Line, string Body)> ServerExamples()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        return BashBlocks().Matches(readme)
            .Select(m => (Line: readme[..m.Index].Count(c => c == '\n') + 1, Body: m.Groups["body"].Value))
            .Where(b => b.Body.Contains(PrintedUrl, StringComparison.Ordinal) || b.Body.Contains("$NBA_", StringComparison.Ordinal))
            .ToList();
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            return (-1, $"timed out after {ScriptTimeout.TotalSeconds} s\n{await stdout}\n{await stderr}");
        }

        return (bash.ExitCode, $"{await stdout}\n{await stderr}");
    }

    [GeneratedRegex(@"^```bash\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BashBlocks();

    [GeneratedRegex(@"export NBA_KAFKA=\S+ NBA_REDIS_PORT=\d+$")]
    private static partial Regex ExportsLine();

    /// <summary>The all-in-one server built next to the tests, started as the README starts it, on a given port.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private const int KeptLines = 400;

        private Process? process;
        private readonly ConcurrentQueue<string> output = new();
        private readonly TaskCompletionSource<string> matched = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Regex? wanted;

        public string OutputTail => string.Join('\n', output.TakeLast(60));

        public static ServerProcess Start(int port)
        {
            var server = new ServerProcess();
            // As printed but for one setting: on a loaded test machine a profile read can miss the production budget of
            // 20 ms, and the fallback decision (no profile) would not be the one the README promises.
            var environment = new Dictionary<string, string> { ["Decisions__ProfileReadBudgetMs"] = "2000" };
            server.process = HostProcesses.Start("NextBestAction.Server.dll", port, environment, line => server.Keep(line));
            return server;
        }

        /// <summary>The first part of a logged line that matches <paramref name="pattern"/>.</summary>
        public async Task<string> WaitForLineAsync(Regex pattern, TimeSpan timeout)
        {
            wanted = pattern;
            foreach (var line in output)
            {
                Keep(line, remember: false);
            }

            try
            {
                return await matched.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"the server logged no line like {pattern} within {timeout.TotalSeconds} s:\n{OutputTail}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (process is null)
            {
                return;
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        private void Keep(string line, bool remember = true)
        {
            if (remember)
            {
                output.Enqueue(line);
                while (output.Count > KeptLines)
                {
                    output.TryDequeue(out _);
                }
            }

            if (wanted?.Match(line) is { Success: true } match)
            {
                matched.TrySetResult(match.Value);
            }
        }
    }
}
