using System.Diagnostics;
using System.Threading.Channels;
using CrudCqrs.Application.Diagnostics;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// One group-commit batch (ADR 009): the queued writes, each run by its caller inside a savepoint
/// of one transaction, then one commit for all; every write kept is acknowledged only once the
/// commit is durable, or failed with the batch. A write that rolls back leaves the others alone.
/// Its span is a root that links the operations it carried.
/// </summary>
internal sealed class SqliteWriteBatch(SqliteSession session, SqliteTransaction transaction, CrudTelemetry? telemetry)
{
    public async Task CarryAsync(ChannelReader<SqliteWrite> queue)
    {
        using var span = telemetry?.ActivitySource.StartActivity("sqlite.write_batch", ActivityKind.Internal, parentContext: default);
        var kept = new List<SqliteWrite>();
        var carried = 0;
        Exception? broken = null;
        while (carried < SqliteGroupCommit.MaxBatchSize && broken is null && queue.TryRead(out var write))
        {
            if (!write.TryClaim())
            {
                continue;
            }
            carried++;
            if (write.Origin != default)
            {
                span?.AddLink(new ActivityLink(write.Origin));
            }
            broken = await RunInSavepointAsync(write, $"w{carried}", kept);
        }
        if (broken is null && kept.Count > 0)
        {
            try
            {
                transaction.Commit();
            }
            catch (Exception exception)
            {
                broken = SqliteFailures.Unavailable("The write batch could not commit", exception);
            }
        }
        foreach (var write in kept)
        {
            if (broken is null)
            {
                write.Acknowledge();
            }
            else
            {
                write.Fail(broken);
            }
        }
        span?.SetTag("write.batch.size", carried);
        span?.SetTag("write.batch.committed", broken is null ? kept.Count : 0);
        if (broken is not null)
        {
            span?.SetStatus(ActivityStatusCode.Error, broken.Message);
        }
        if (carried > 0)
        {
            telemetry?.WriteBatchSize.Record(carried);
        }
    }

    /// <summary>Runs one caller's write inside a savepoint; returns the failure that ends the batch, if any.</summary>
    private async Task<Exception?> RunInSavepointAsync(SqliteWrite write, string savepoint, List<SqliteWrite> kept)
    {
        try
        {
            transaction.Save(savepoint);
        }
        catch (Exception exception)
        {
            var failure = SqliteFailures.Unavailable("The write could not start", exception);
            write.Refuse(failure);
            return failure;
        }

        write.StartInBatch(session);
        var keep = await write.HandedBack;
        try
        {
            if (!keep)
            {
                transaction.Rollback(savepoint);
            }
            transaction.Release(savepoint);
        }
        catch (Exception exception)
        {
            // SQLite may have rolled the whole transaction back (a full disk, an I/O error): nothing
            // in this batch can be acknowledged.
            var failure = SqliteFailures.Unavailable("The write batch was rolled back", exception);
            if (keep)
            {
                write.Fail(failure);
            }
            return failure;
        }
        if (keep)
        {
            kept.Add(write);
        }
        return null;
    }
}
