using Microsoft.Extensions.DependencyInjection;

namespace NextBestAction.OperatorConsole.Offers;

public static class OffersExtensions
{
    /// <summary>The Offers screen's reader; the offer statistics store comes with the decision services.</summary>
    public static IServiceCollection AddOffers(this IServiceCollection services)
    {
        services.AddSingleton<OfferBoard>();
        return services;
    }
}
