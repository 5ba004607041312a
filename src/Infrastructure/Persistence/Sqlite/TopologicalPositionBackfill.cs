using CrudCqrs.Domain.Resources;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Gives every resource of a database written before positions existed its place in the
/// dependency order, once, at start, in O(resources + dependencies): one read of the ids in
/// creation order and of the edges, <see cref="DependencyGraph.CreationTopologicalOrder"/>, and
/// one prepared update per row, all in one write transaction.
/// </summary>
public sealed class TopologicalPositionBackfill(ResourceDbContext db, ILogger logger)
{
    /// <summary>How often (in rows written) the backfill reports its progress.</summary>
    public const int ProgressInterval = 100_000;

    /// <summary>Fills the positions when any is missing; returns how many rows were given one.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // The unique index holds the NULLs too, so this check is a seek, not a scan.
        if (!await AnyMissingAsync(cancellationToken))
        {
            return 0;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Another process may have done it while this one waited for the write lock.
        if (!await AnyMissingAsync(cancellationToken))
        {
            return 0;
        }
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var sqliteTransaction = (SqliteTransaction)transaction.GetDbTransaction();

        var ids = new List<string>();
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = sqliteTransaction;
            read.CommandText = "SELECT Id FROM Resources ORDER BY CreatedAt, Id";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                numbers[id] = ids.Count;
                ids.Add(id);
            }
        }
        logger.LogInformation("Computing dependency-order positions for {resource.count} resources", ids.Count);

        var dependencies = new List<int>[ids.Count];
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = sqliteTransaction;
            read.CommandText = "SELECT ResourceId, DependsOnId FROM ResourceDependencies ORDER BY ResourceId, Position";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var from = numbers[reader.GetString(0)];
                (dependencies[from] ??= []).Add(numbers[reader.GetString(1)]);
            }
        }
        IReadOnlyList<int> none = [];
        var order = DependencyGraph.CreationTopologicalOrder(ids.Count, n => dependencies[n] ?? none);

        await using (var write = connection.CreateCommand())
        {
            // Rows placed by a writer that ran beside an older version are placed again with the
            // rest: the unique index must not see a new position while an old one still holds it.
            write.Transaction = sqliteTransaction;
            write.CommandText = "UPDATE Resources SET TopologicalPosition = NULL WHERE TopologicalPosition IS NOT NULL";
            await write.ExecuteNonQueryAsync(cancellationToken);
            write.CommandText = "UPDATE Resources SET TopologicalPosition = $position WHERE Id = $id";
            var position = write.Parameters.Add("$position", SqliteType.Integer);
            var id = write.Parameters.Add("$id", SqliteType.Text);
            write.Prepare();
            for (var i = 0; i < order.Length; i++)
            {
                position.Value = i + 1L;
                id.Value = ids[order[i]];
                await write.ExecuteNonQueryAsync(cancellationToken);
                if ((i + 1) % ProgressInterval == 0)
                {
                    logger.LogInformation("Dependency-order positions: {rows.done} of {rows.total} written", i + 1, order.Length);
                }
            }
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Dependency-order positions written for {resource.count} resources", order.Length);
        return order.Length;
    }

    private async Task<bool> AnyMissingAsync(CancellationToken cancellationToken) =>
        await db.Database
            .SqlQueryRaw<long>("SELECT EXISTS (SELECT 1 FROM Resources WHERE TopologicalPosition IS NULL) AS Value")
            .SingleAsync(cancellationToken) != 0;
}
