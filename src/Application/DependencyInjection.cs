using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Idempotency;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        // Hosts that authenticate callers or read the privacy setting register their own first.
        services.TryAddSingleton<ICurrentCaller>(AnonymousCaller.Instance);
        services.TryAddSingleton(TelemetryPrivacy.Default);
        services.AddScoped<IdempotencyContext>();
        return services;
    }
}
