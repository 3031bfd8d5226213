using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NextBestAction.ServiceDefaults;

public static class StartupLoading
{
    /// <summary>
    /// Resolves <typeparamref name="T"/> while the host starts, so a singleton loaded from a file (catalog,
    /// KPI library) fails start-up with its validation message instead of failing the first request.
    /// </summary>
    public static IServiceCollection LoadAtStartup<T>(this IServiceCollection services)
        where T : class =>
        services.AddHostedService<StartupLoader<T>>();

    private sealed class StartupLoader<T>(IServiceProvider services) : IHostedService
        where T : class
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<T>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
