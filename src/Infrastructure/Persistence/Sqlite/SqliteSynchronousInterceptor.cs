using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Sets <c>PRAGMA synchronous</c> on every connection EF Core opens (the setting is per
/// connection). Registered only when <c>Database__Synchronous</c> is not the safe default.
/// </summary>
public sealed class SqliteSynchronousInterceptor(SqliteSynchronous level) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous = {level.ToString().ToUpperInvariant()};";
        command.ExecuteNonQuery();
    }
}
