namespace CrudCqrs.Application.Idempotency;

/// <summary>
/// Reads and sweeps stored idempotency keys. Records are written by the store's write transaction
/// (<see cref="Abstractions.IWriteTransaction.CommitAsync"/>), never on their own, so a key and
/// its write always commit together.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>The record of <paramref name="key"/> in <paramref name="scope"/>, unless it expired before <paramref name="now"/>.</summary>
    Task<IdempotencyRecord?> FindAsync(string scope, string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> keys that expired before <paramref name="now"/>, in one short write; returns how many.</summary>
    Task<int> SweepExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
}
