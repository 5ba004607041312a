using CrudCqrs.Application.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrudCqrs.Infrastructure.Persistence;

/// <summary>Ready only when the store answers a real query within the configured timeout.</summary>
public sealed class StoreHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var repository = scope.ServiceProvider.GetRequiredService<IResourceRepository>();
            await repository.FindAsync(Guid.Empty, cancellationToken);
            return HealthCheckResult.Healthy($"{repository.StoreType} answers");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached", exception);
        }
    }
}
