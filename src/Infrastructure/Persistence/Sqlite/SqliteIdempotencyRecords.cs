using CrudCqrs.Application.Idempotency;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The statements on the IdempotencyKeys table (migration IdempotencyKeys), run on whatever
/// context and transaction the caller is in, so a record commits with its write.
/// </summary>
public static class SqliteIdempotencyRecords
{
    private const int ConstraintViolation = 19;

    public static async Task<IdempotencyRecord?> FindAsync(
        ResourceDbContext db, string scope, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<Row>(
            "SELECT RequestHash, Status, Body, Location, ETag FROM IdempotencyKeys WHERE Scope = {0} AND Key = {1} AND ExpiresAt > {2}",
            scope, key, now.ToUnixTimeMilliseconds()).ToListAsync(cancellationToken);
        return rows is [var row] ? new IdempotencyRecord(row.RequestHash, new IdempotentAnswer(row.Status, row.Body, row.Location, row.ETag)) : null;
    }

    /// <summary>
    /// Records <paramref name="answer"/> under the request's key; an expired record of the same key
    /// is replaced. Throws <see cref="IdempotencyKeyTakenException"/> when a live record exists.
    /// </summary>
    public static async Task InsertAsync(ResourceDbContext db, IdempotentRequest request, IdempotentAnswer answer, CancellationToken cancellationToken)
    {
        var receivedAt = request.ReceivedAt.ToUnixTimeMilliseconds();
        await db.Database.ExecuteSqlRawAsync(
            "DELETE FROM IdempotencyKeys WHERE Scope = {0} AND Key = {1} AND ExpiresAt <= {2}",
            [request.Scope, request.Key, receivedAt], cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO IdempotencyKeys (Scope, Key, RequestHash, Status, Body, Location, ETag, CreatedAt, ExpiresAt) " +
                "VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8})",
                [request.Scope, request.Key, request.RequestHash, answer.Status, Nullable("body", answer.Body),
                    Nullable("location", answer.Location), Nullable("etag", answer.ETag), receivedAt, request.ExpiresAt.ToUnixTimeMilliseconds()],
                cancellationToken);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == ConstraintViolation)
        {
            throw new IdempotencyKeyTakenException(request.Key);
        }
    }

    /// <summary>Deletes at most <paramref name="limit"/> expired keys, oldest first.</summary>
    public static Task<int> DeleteExpiredAsync(ResourceDbContext db, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            "DELETE FROM IdempotencyKeys WHERE (Scope, Key) IN " +
            "(SELECT Scope, Key FROM IdempotencyKeys WHERE ExpiresAt <= {0} ORDER BY ExpiresAt LIMIT {1})",
            [now.ToUnixTimeMilliseconds(), limit], cancellationToken);

    /// <summary>A text parameter that may be NULL: EF Core cannot infer a type from a null value alone.</summary>
    private static SqliteParameter Nullable(string name, string? value) =>
        new(name, SqliteType.Text) { Value = (object?)value ?? DBNull.Value };

    private sealed record Row(string RequestHash, int Status, string? Body, string? Location, string? ETag);
}
