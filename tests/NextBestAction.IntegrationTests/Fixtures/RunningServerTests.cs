namespace NextBestAction.IntegrationTests.Fixtures;

/// <summary>
/// A test class with its own running server: the host (and with it the ingestion consumer group) starts
/// before the first test and stops after the last.
/// </summary>
public abstract class RunningServerTests<TFactory>(TFactory factory) : IAsyncLifetime
    where TFactory : NbaServerFactory
{
    protected TFactory Factory { get; } = factory;

    public ValueTask InitializeAsync()
    {
        // Building a client starts the host.
        Factory.CreateClient().Dispose();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
