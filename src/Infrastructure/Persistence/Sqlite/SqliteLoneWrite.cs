using Microsoft.EntityFrameworkCore.Storage;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A write that found the writer idle and nothing queued (ADR 014): it runs on the writer's
/// connection in its own <c>BEGIN IMMEDIATE</c> transaction, in the caller's flow, and commits
/// itself, with no hand-off to the writer task and no savepoint. Writes arriving meanwhile queue
/// and are batched once it releases the connection.
/// </summary>
internal sealed class SqliteLoneWrite(
    ResourceDbContext db, SqliteWriteStatements statements, IDbContextTransaction transaction, Action release) : ISqliteWriteTurn
{
    private int _finished;

    public ResourceDbContext Db => db;

    public SqliteWriteStatements Statements => statements;

    public async Task CommitAsync()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 1)
        {
            throw new InvalidOperationException("The write has already finished.");
        }
        try
        {
            // Not cancellable: once the commit is sent, the caller must learn whether it held.
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            throw new CrudCqrs.Application.Abstractions.StoreUnavailableException(
                $"The write could not commit: {SqliteFailures.Describe(exception)}", exception);
        }
        finally
        {
            End();
        }
    }

    public void Rollback()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            End();
        }
    }

    private void End()
    {
        try
        {
            // Rolls back when the commit was not reached or failed.
            transaction.Dispose();
            db.ChangeTracker.Clear();
        }
        finally
        {
            release();
        }
    }
}
