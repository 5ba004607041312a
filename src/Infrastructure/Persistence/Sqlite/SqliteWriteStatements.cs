using System.Diagnostics;
using System.Text.Json;
using CrudCqrs.Infrastructure.Observability;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The statements a create runs, prepared once on one open connection and reused (ADR 014).
/// EF Core's SaveChanges, its raw-SQL query pipeline and its LINQ translation cost several times
/// the statements themselves on this path (change tracking, command batching, a delegate compiled
/// per query shape), and the writer's connection stays open, so prepared statements stay valid.
/// Each statement runs in the caller's current transaction and emits a database client span
/// as EF Core's instrumentation does for the others.
/// </summary>
public sealed class SqliteWriteStatements : IDisposable
{
    private static readonly DatabaseSpans.Summary SelectResources = new("SELECT", "Resources");
    private static readonly DatabaseSpans.Summary InsertResources = new("INSERT", "Resources");
    private static readonly DatabaseSpans.Summary InsertDependencies = new("INSERT", "ResourceDependencies");

    internal const string FindExistingSql = "SELECT Id FROM Resources WHERE Id IN (SELECT value FROM json_each($ids))";

    // The unique index on the position makes MAX a single seek.
    internal const string NextPositionSql = "SELECT COALESCE(MAX(TopologicalPosition), 0) + 1 FROM Resources";

    // The row carries its dependency list from the start, so the triggers that keep that copy
    // have nothing to rewrite when the edges follow (migration DependencyListOnResources).
    internal const string InsertResourceSql =
        "INSERT INTO Resources (Id, Name, NameKey, Description, DescriptionKey, CreatedAt, UpdatedAt, Version, TopologicalPosition, DependencyList) " +
        "VALUES ($id, $name, $nameKey, $description, $descriptionKey, $createdAt, $updatedAt, $version, $position, $dependencyList)";

    // One statement for the whole list, in list order: json_each's key is the index.
    internal const string InsertDependenciesSql =
        "INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) SELECT $id, value, key FROM json_each($dependsOn)";

    private readonly SqliteConnection _connection;
    private readonly string _databaseName;
    private readonly SqliteCommand _findExisting;
    private readonly SqliteCommand _nextPosition;
    private readonly SqliteCommand _insertResource;
    private readonly SqliteCommand _insertDependencies;

    /// <param name="connection">An open connection that stays open as long as these statements are used.</param>
    public SqliteWriteStatements(SqliteConnection connection)
    {
        _connection = connection;
        _databaseName = Path.GetFileName(connection.DataSource);
        _findExisting = Command(FindExistingSql, "$ids");
        _nextPosition = Command(NextPositionSql);
        _insertResource = Command(InsertResourceSql,
            "$id", "$name", "$nameKey", "$description", "$descriptionKey", "$createdAt", "$updatedAt", "$version", "$position", "$dependencyList");
        _insertDependencies = Command(InsertDependenciesSql, "$id", "$dependsOn");
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }
        return command;
    }

    /// <summary>Which of <paramref name="ids"/> (lowercase GUID text) exist.</summary>
    public HashSet<string> FindExisting(SqliteTransaction transaction, IReadOnlyCollection<string> ids)
    {
        var found = new HashSet<string>(ids.Count, StringComparer.Ordinal);
        using var span = StartSpan(SelectResources, FindExistingSql);
        using var reader = Bind(_findExisting, transaction, JsonSerializer.Serialize(ids)).ExecuteReader();
        while (reader.Read())
        {
            found.Add(reader.GetString(0));
        }
        return found;
    }

    /// <summary>Inserts <paramref name="record"/> last in the topological order, with its dependency list.</summary>
    public void InsertResource(SqliteTransaction transaction, ResourceRecord record)
    {
        using (StartSpan(SelectResources, NextPositionSql))
        {
            record.TopologicalPosition = (long)Bind(_nextPosition, transaction).ExecuteScalar()!;
        }
        using (StartSpan(InsertResources, InsertResourceSql))
        {
            Bind(_insertResource, transaction,
                record.Id, record.Name, record.NameKey, record.Description, record.DescriptionKey,
                record.CreatedAt, record.UpdatedAt, record.Version, record.TopologicalPosition,
                DependencyList(record)).ExecuteNonQuery();
        }
        if (record.Dependencies.Count == 0)
        {
            return;
        }
        using (StartSpan(InsertDependencies, InsertDependenciesSql))
        {
            var dependsOn = JsonSerializer.Serialize(record.Dependencies.Select(d => d.DependsOnId));
            Bind(_insertDependencies, transaction, record.Id, dependsOn).ExecuteNonQuery();
        }
    }

    /// <summary>The row's <c>position:id</c> pairs, as the triggers would write them; null for none.</summary>
    private static string? DependencyList(ResourceRecord record) =>
        record.Dependencies.Count == 0 ? null : string.Join(',', record.Dependencies.Select(d => $"{d.Position}:{d.DependsOnId}"));

    private static SqliteCommand Bind(SqliteCommand command, SqliteTransaction transaction, params object?[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        return command;
    }

    private Activity? StartSpan(DatabaseSpans.Summary summary, string sql) =>
        DatabaseSpans.StartSqliteSpan(SqliteReadPool.Source, summary, _databaseName, sql);

    public void Dispose()
    {
        _findExisting.Dispose();
        _nextPosition.Dispose();
        _insertResource.Dispose();
        _insertDependencies.Dispose();
    }
}
