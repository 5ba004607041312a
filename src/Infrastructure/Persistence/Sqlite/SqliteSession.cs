using System.Diagnostics;
using CrudCqrs.Infrastructure.Observability;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// One open connection and the statements prepared on it, used by one caller at a time (a pooled
/// reader's or the writer's). Every statement runs in the session's open transaction, if any, and
/// reports a database client span tagged as the OpenTelemetry database conventions ask.
/// </summary>
public sealed class SqliteSession : IDisposable
{
    /// <summary>The source of the store's database client spans.</summary>
    public const string ActivitySourceName = "CrudCqrs.Sqlite";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly Dictionary<SqliteStatement, SqliteCommand> _prepared = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SqliteStatement, SqliteReadStatement> _reads = new(ReferenceEqualityComparer.Instance);
    private SqliteResourceReader? _reader;

    private SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
        DatabaseName = Path.GetFileName(connection.DataSource);
    }

    public SqliteConnection Connection { get; }

    /// <summary>The file name, which tells an operator which database a span is about.</summary>
    public string DatabaseName { get; }

    /// <summary>The write transaction open on this session; null while it only reads.</summary>
    public SqliteTransaction? Transaction { get; private set; }

    /// <summary>Resource reads on this session's connection (in its transaction while one is open).</summary>
    public SqliteResourceReader Reader => _reader ??= new SqliteResourceReader(this);

    /// <summary>A session for reads: statements in autocommit mode each read one consistent snapshot.</summary>
    public static SqliteSession OpenForReads(string connectionString) => Open(connectionString, []);

    /// <summary>
    /// A session for writes: foreign keys enforced (the database refuses a dangling dependency and
    /// cascades deletes to edges), and the configured flush level (<c>Database__Synchronous</c>).
    /// </summary>
    public static SqliteSession OpenForWrites(string connectionString, SqliteSynchronous synchronous) =>
        Open(connectionString, ["PRAGMA foreign_keys = ON;", $"PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()};"]);

    private static SqliteSession Open(string connectionString, string[] pragmas)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            foreach (var pragma in pragmas)
            {
                using var command = connection.CreateCommand();
                command.CommandText = pragma;
                command.ExecuteNonQuery();
            }
            return new SqliteSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's non-deferred transaction): the file's write
    /// lock is taken before the first read, so what the write checks still holds when it commits,
    /// across processes too. Another process's lock is waited for up to the connection's timeout.
    /// </summary>
    public SqliteTransaction BeginWrite()
    {
        if (Transaction is not null)
        {
            throw new InvalidOperationException("A write transaction is already open on this session.");
        }
        Transaction = Connection.BeginTransaction(deferred: false);
        return Transaction;
    }

    /// <summary>Ends the open transaction: rolled back unless it was committed.</summary>
    public void EndWrite()
    {
        var transaction = Transaction;
        Transaction = null;
        transaction?.Dispose();
    }

    /// <summary><paramref name="statement"/>, prepared on this connection, in the open transaction, with <paramref name="values"/> bound in order.</summary>
    public SqliteCommand Command(SqliteStatement statement, params ReadOnlySpan<object?> values)
    {
        if (!_prepared.TryGetValue(statement, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = statement.Sql;
            foreach (var name in statement.Parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }
            command.Prepare();
            _prepared.Add(statement, command);
        }
        command.Transaction = Transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        return command;
    }

    /// <summary><paramref name="statement"/> prepared on this connection for <see cref="SqliteResourceReader"/>'s direct reads.</summary>
    public SqliteReadStatement Read(SqliteStatement statement)
    {
        if (!_reads.TryGetValue(statement, out var prepared))
        {
            prepared = new SqliteReadStatement(Connection, statement.Sql);
            _reads.Add(statement, prepared);
        }
        return prepared;
    }

    /// <summary>Runs <paramref name="statement"/> under its client span; a failure marks the span before it propagates.</summary>
    public T Run<T>(SqliteStatement statement, Func<SqliteCommand, T> run, params ReadOnlySpan<object?> values)
    {
        using var span = StartSpan(statement);
        try
        {
            return run(Command(statement, values));
        }
        catch (Exception exception)
        {
            Fail(span, exception);
            throw;
        }
    }

    /// <summary>The client span of one statement (or of one read made of several).</summary>
    public Activity? StartSpan(SqliteStatement statement) =>
        DatabaseSpans.StartSqliteSpan(Source, statement.Summary, DatabaseName, statement.Sql);

    /// <summary>Marks <paramref name="span"/> failed by <paramref name="exception"/>, as EF Core's instrumentation does.</summary>
    public static void Fail(Activity? span, Exception exception)
    {
        if (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, exception.Message);
            span.SetTag("error.type", exception is SqliteException sqlite ? sqlite.SqliteErrorCode.ToString() : exception.GetType().FullName);
        }
    }

    /// <summary>Rolls back an open transaction and closes the statements and the connection, even when the rollback fails.</summary>
    public void Dispose()
    {
        try
        {
            EndWrite();
        }
        finally
        {
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }
            _prepared.Clear();
            foreach (var statement in _reads.Values)
            {
                statement.Dispose();
            }
            _reads.Clear();
            Connection.Dispose();
        }
    }
}
