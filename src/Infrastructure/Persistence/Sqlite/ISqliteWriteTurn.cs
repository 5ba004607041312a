namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A caller's turn on the writer's connection (ADR 009, 014): a lone write in a transaction of its
/// own, or one write in a group-commit batch, inside its savepoint. Either way the caller runs its
/// statements on <see cref="Db"/> in its own request flow, then commits or rolls back.
/// </summary>
public interface ISqliteWriteTurn
{
    /// <summary>The writer's context; its current transaction is the one this write runs in.</summary>
    ResourceDbContext Db { get; }

    /// <summary>The create path's statements, prepared on the writer's connection.</summary>
    SqliteWriteStatements Statements { get; }

    /// <summary>Keeps this write's changes; completes when they are durable (or fails, and then nothing of it was kept).</summary>
    Task CommitAsync();

    /// <summary>Drops this write's changes; other writes are unaffected.</summary>
    void Rollback();
}
