using CrudCqrs.Application.Idempotency;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The IdempotencyKeys table (migration IdempotencyKeys) on one session: a record is inserted in
/// the transaction of the write whose answer it holds, so a key and its write commit together.
/// </summary>
public sealed class SqliteIdempotencyRecords(SqliteSession session)
{
    private const int ConstraintViolation = 19;

    private static readonly SqliteStatement Live = new(
        "SELECT RequestHash, Status, Body, Location, ETag FROM IdempotencyKeys WHERE Scope = $scope AND Key = $key AND ExpiresAt > $now",
        "$scope", "$key", "$now");

    private static readonly SqliteStatement DeleteExpiredKey = new(
        "DELETE FROM IdempotencyKeys WHERE Scope = $scope AND Key = $key AND ExpiresAt <= $now", "$scope", "$key", "$now");

    private static readonly SqliteStatement Insert = new(
        "INSERT INTO IdempotencyKeys (Scope, Key, RequestHash, Status, Body, Location, ETag, CreatedAt, ExpiresAt) " +
        "VALUES ($scope, $key, $hash, $status, $body, $location, $etag, $createdAt, $expiresAt)",
        "$scope", "$key", "$hash", "$status", "$body", "$location", "$etag", "$createdAt", "$expiresAt");

    private static readonly SqliteStatement DeleteExpired = new(
        "DELETE FROM IdempotencyKeys WHERE (Scope, Key) IN " +
        "(SELECT Scope, Key FROM IdempotencyKeys WHERE ExpiresAt <= $now ORDER BY ExpiresAt LIMIT $limit)", "$now", "$limit");

    /// <summary>The record of <paramref name="key"/> in <paramref name="scope"/>, unless it expired before <paramref name="now"/>.</summary>
    public IdempotencyRecord? Find(string scope, string key, DateTimeOffset now) => session.Run(Live, command =>
    {
        using var row = command.ExecuteReader();
        return row.Read()
            ? new IdempotencyRecord(row.GetString(0), new IdempotentAnswer(row.GetInt32(1), Text(row, 2), Text(row, 3), Text(row, 4)))
            : null;
    }, scope, key, now.ToUnixTimeMilliseconds());

    /// <summary>
    /// Records <paramref name="answer"/> under the request's key; an expired record of the same key
    /// is replaced. Throws <see cref="IdempotencyKeyTakenException"/> when a live record exists.
    /// </summary>
    public void Record(IdempotentRequest request, IdempotentAnswer answer)
    {
        var receivedAt = request.ReceivedAt.ToUnixTimeMilliseconds();
        session.Run(DeleteExpiredKey, command => command.ExecuteNonQuery(), request.Scope, request.Key, receivedAt);
        try
        {
            session.Run(Insert, command => command.ExecuteNonQuery(),
                request.Scope, request.Key, request.RequestHash, answer.Status, answer.Body, answer.Location, answer.ETag,
                receivedAt, request.ExpiresAt.ToUnixTimeMilliseconds());
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == ConstraintViolation)
        {
            throw new IdempotencyKeyTakenException(request.Key);
        }
    }

    /// <summary>Deletes at most <paramref name="limit"/> expired keys, oldest first.</summary>
    public int DeleteExpiredKeys(DateTimeOffset now, int limit) =>
        session.Run(DeleteExpired, command => command.ExecuteNonQuery(), now.ToUnixTimeMilliseconds(), limit);

    private static string? Text(SqliteDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);
}
