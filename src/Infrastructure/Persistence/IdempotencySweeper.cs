using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Persistence;

/// <summary>
/// Deletes expired idempotency keys in the background, a few hundred per transaction, so a sweep
/// never holds the write lock long enough to delay the API's writes (ADR 010).
/// </summary>
public sealed class IdempotencySweeper(IServiceScopeFactory scopes, TimeProvider clock, ILogger<IdempotencySweeper> logger) : BackgroundService
{
    public const int BatchSize = 500;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Interval, clock, stoppingToken);
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One full sweep: batches until a batch comes back short.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        try
        {
            int swept;
            do
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<IIdempotencyStore>();
                swept = await store.SweepExpiredAsync(clock.GetUtcNow(), BatchSize, cancellationToken);
                total += swept;
            }
            while (swept == BatchSize);
        }
        catch (StoreUnavailableException exception)
        {
            logger.LogWarning("Idempotency key sweep postponed: {reason}", exception.Message);
        }
        if (total > 0)
        {
            logger.LogInformation("Swept {idempotency.swept} expired idempotency keys", total);
        }
        return total;
    }
}
