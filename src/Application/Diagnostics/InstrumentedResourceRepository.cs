using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Application.Diagnostics;

/// <summary>
/// Gives every repository call its own span under the operation span (and above the database
/// driver's spans), for any store, without telemetry code in the repositories themselves.
/// </summary>
public sealed class InstrumentedResourceRepository(IResourceRepository inner) : IResourceRepository
{
    public string StoreType => inner.StoreType;

    public async Task<IWriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        using var span = Start("repository.begin_write", "begin");
        var transaction = await Observe(span, inner.BeginWriteAsync(cancellationToken));
        return new InstrumentedTransaction(transaction, inner.StoreType);
    }

    public async Task<Resource?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        using var span = Start("repository.find", "select");
        return await Observe(span, inner.FindAsync(id, cancellationToken));
    }

    public async Task<ResourcePage> ListAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        using var span = Start("repository.list", "select");
        return await Observe(span, inner.ListAsync(offset, limit, cancellationToken));
    }

    public async Task<ResourcePage> ListAfterAsync(ResourceCursor after, int limit, CancellationToken cancellationToken)
    {
        using var span = Start("repository.list_after", "select");
        return await Observe(span, inner.ListAfterAsync(after, limit, cancellationToken));
    }

    public async Task<SearchPage> SearchAsync(string? text, int offset, int limit, CancellationToken cancellationToken)
    {
        using var span = Start("repository.search", "select");
        var page = await Observe(span, inner.SearchAsync(text, offset, limit, cancellationToken));
        span?.SetTag("db.response.returned_rows", page.Items.Count);
        return page;
    }

    public async Task<SearchPage> SearchAfterAsync(string? text, long afterPosition, int limit, CancellationToken cancellationToken)
    {
        using var span = Start("repository.search_after", "select");
        var page = await Observe(span, inner.SearchAfterAsync(text, afterPosition, limit, cancellationToken));
        span?.SetTag("db.response.returned_rows", page.Items.Count);
        return page;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        using var span = Start("repository.count", "select");
        return await Observe(span, inner.CountAsync(cancellationToken));
    }

    public async Task<IReadOnlySet<Guid>> FindExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        using var span = Start("repository.find_existing", "select");
        return await Observe(span, inner.FindExistingAsync(ids, cancellationToken));
    }

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<Guid>>> LoadReachableDependenciesAsync(
        IReadOnlyCollection<Guid> roots, Guid stopAt, CancellationToken cancellationToken)
    {
        using var span = Start("repository.load_reachable", "select");
        var reachable = await Observe(span, inner.LoadReachableDependenciesAsync(roots, stopAt, cancellationToken));
        span?.SetTag("graph.reachable_nodes", reachable.Count);
        return reachable;
    }

    public async Task<IReadOnlyList<Guid>> FindTransitiveDependentsAsync(Guid id, CancellationToken cancellationToken)
    {
        using var span = Start("repository.find_dependents", "select");
        return await Observe(span, inner.FindTransitiveDependentsAsync(id, cancellationToken));
    }

    public async Task AddAsync(Resource resource, CancellationToken cancellationToken)
    {
        using var span = Start("repository.add", "insert");
        await Observe(span, inner.AddAsync(resource, cancellationToken));
    }

    public async Task UpdateAsync(Resource resource, CancellationToken cancellationToken)
    {
        using var span = Start("repository.update", "update");
        await Observe(span, inner.UpdateAsync(resource, cancellationToken));
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var span = Start("repository.delete", "delete");
        return await Observe(span, inner.DeleteAsync(ids, now, cancellationToken));
    }

    private Activity? Start(string name, string operation)
    {
        var span = OperationFacts.StartStep(name);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("db.operation", operation);
            span.SetTag("db.system.name", inner.StoreType);
        }
        return span;
    }

    private static async Task<T> Observe<T>(Activity? span, Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception exception) when (span is not null && Fail(span, exception))
        {
            throw;
        }
    }

    private static async Task Observe(Activity? span, Task call)
    {
        try
        {
            await call;
        }
        catch (Exception exception) when (span is not null && Fail(span, exception))
        {
            throw;
        }
    }

    private static bool Fail(Activity span, Exception exception)
    {
        var errorType = ErrorTypes.Of(exception);
        span.SetTag("error.type", errorType);
        // A missing resource is an answer, not a failure of the store.
        if (errorType != ErrorTypes.NotFound)
        {
            span.SetStatus(ActivityStatusCode.Error, exception.Message);
            span.AddException(exception);
        }
        return false;
    }

    private sealed class InstrumentedTransaction(IWriteTransaction inner, string storeType) : IWriteTransaction
    {
        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            using var span = OperationFacts.StartStep("repository.commit");
            span?.SetTag("db.operation", "commit");
            span?.SetTag("db.system.name", storeType);
            await Observe(span, inner.CommitAsync(cancellationToken));
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

public static class RepositoryInstrumentation
{
    /// <summary>Wraps whichever <see cref="IResourceRepository"/> the store registered; call after registering it.</summary>
    public static IServiceCollection DecorateRepositoryWithSpans(this IServiceCollection services)
    {
        var registration = services.LastOrDefault(d => d.ServiceType == typeof(IResourceRepository))
            ?? throw new InvalidOperationException("Register an IResourceRepository before decorating it.");
        services.Remove(registration);
        // Built once: ActivatorUtilities.CreateInstance would look the constructor up on every request.
        var createInner = registration.ImplementationFactory
            ?? (registration.ImplementationType is { } type
                ? CompiledFactory(type)
                : throw new InvalidOperationException("The IResourceRepository registration needs a type or a factory."));
        services.Add(ServiceDescriptor.Describe(typeof(IResourceRepository),
            provider => new InstrumentedResourceRepository((IResourceRepository)createInner(provider)),
            registration.Lifetime));
        return services;
    }

    private static Func<IServiceProvider, object> CompiledFactory(Type type)
    {
        var factory = ActivatorUtilities.CreateFactory(type, Type.EmptyTypes);
        return provider => factory(provider, null);
    }
}
