using System.Diagnostics;
using System.Globalization;

using NextBestAction.Testing;

namespace NextBestAction.IntegrationTests.Reliability;

/// <summary>
/// A dedicated <c>redis-server</c> that writes every change to an append-only file before it answers, so it can be
/// killed (SIGKILL) and restarted on the same port and directory without losing an acknowledged write.
/// </summary>
internal sealed class PersistentRedis : IAsyncDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("nba-redis-aof-");
    private Process? process;

    public PersistentRedis(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public bool IsRunning => process is { HasExited: false };

    public void Start()
    {
        process = RedisServerLauncher.Start(
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "yes", "--appendfsync", "always", "--dir", directory.FullName,
        ]);
    }

    /// <summary>SIGKILL: no shutdown save, no goodbye to clients.</summary>
    public async Task KillAsync()
    {
        await RedisServerLauncher.StopAsync(process);
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        directory.Delete(recursive: true);
    }
}
