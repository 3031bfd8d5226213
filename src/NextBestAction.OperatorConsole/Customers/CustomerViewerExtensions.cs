using Microsoft.Extensions.DependencyInjection;

namespace NextBestAction.OperatorConsole.Customers;

public static class CustomerViewerExtensions
{
    /// <summary>The customer viewer's read and dry run; needs the decision services (export reader, decision service, audit).</summary>
    public static IServiceCollection AddCustomerViewer(this IServiceCollection services)
    {
        services.AddSingleton<CustomerLookup>();
        services.AddSingleton<CustomerDryRun>();
        return services;
    }
}
