namespace CrudCqrs.Application.Abstractions;

public static class WriteTransactionExtensions
{
    /// <summary>Commits a write whose answer is not recorded (no idempotency key can apply to it).</summary>
    public static Task CommitAsync(this IWriteTransaction transaction, CancellationToken cancellationToken) =>
        transaction.CommitAsync(null, cancellationToken);
}
