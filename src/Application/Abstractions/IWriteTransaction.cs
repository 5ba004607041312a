namespace CrudCqrs.Application.Abstractions;

public interface IWriteTransaction : IAsyncDisposable
{
    /// <summary>
    /// Makes the changes durable; disposing without committing rolls them back. <paramref name="result"/>
    /// is what the use case answers: when the request carries an idempotency key, the store records
    /// it with the key in this same commit.
    /// </summary>
    Task CommitAsync(object? result, CancellationToken cancellationToken);

    /// <summary>Commits a write whose answer is not recorded.</summary>
    Task CommitAsync(CancellationToken cancellationToken) => CommitAsync(null, cancellationToken);
}
