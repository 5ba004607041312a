using CrudCqrs.Application.Diagnostics;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Validators, telemetry objects and the clock. The mediator itself is generated and
    /// registered in the host (Api), which declares the behavior order.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddMetrics();
        services.AddSingleton<CrudTelemetry>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
