using System.Collections.Concurrent;
using System.Diagnostics;
using CrudCqrs.Domain.Resources;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The read-by-id path, kept off EF Core: open connections, each with the lookup already
/// prepared, reused across requests. EF Core's query pipeline, the pooled connection's reopen
/// (which re-registers EF's SQL functions) and the statement's re-preparation cost more than
/// the lookup itself (docs/performance.md). One statement in autocommit mode reads one
/// consistent snapshot, so no transaction is needed.
/// </summary>
/// <remarks>
/// The command has no driver instrumentation, so this class emits the database client span
/// itself (source <see cref="ActivitySourceName"/>, OpenTelemetry database conventions), the
/// span EF Core's instrumentation gives every other query.
/// </remarks>
public sealed class SqliteReadPool : IDisposable
{
    public const string ActivitySourceName = "CrudCqrs.Sqlite";

    // Resource columns repeat on every dependency row; a resource without dependencies gives one
    // row whose DependsOnId is NULL.
    internal const string FindByIdSql =
        "SELECT r.Name, r.Description, r.CreatedAt, r.UpdatedAt, r.Version, d.DependsOnId " +
        "FROM Resources AS r LEFT JOIN ResourceDependencies AS d ON d.ResourceId = r.Id " +
        "WHERE r.Id = $id ORDER BY d.Position";

    /// <summary>Also the source of <see cref="SqliteWriteStatements"/>' spans: statements run without EF Core's instrumentation.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly string _connectionString;
    private readonly string _databaseName;
    private readonly int _capacity;
    private readonly ConcurrentQueue<ReadSession> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteReadPool(string connectionString, int capacity = 0)
    {
        _connectionString = connectionString;
        var settings = new SqliteConnectionStringBuilder(connectionString);
        _databaseName = Path.GetFileName(settings.DataSource);
        // Requests beyond this many at once still read, on a connection closed afterwards.
        // Pooling=False asks for every use to open the file anew: then nothing is kept.
        _capacity = !settings.Pooling ? 0 : capacity > 0 ? capacity : Environment.ProcessorCount * 4;
    }

    public Resource? Find(Guid id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var span = StartSpan();
        ReadSession? session = null;
        try
        {
            session = Rent();
            var resource = session.Find(id);
            Return(session);
            return resource;
        }
        catch (Exception exception)
        {
            // A session that failed may hold a broken statement or connection: never reuse it.
            session?.Dispose();
            if (span is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, exception.Message);
                span.SetTag("error.type", exception is SqliteException sqlite ? sqlite.SqliteErrorCode.ToString() : exception.GetType().FullName);
            }
            throw;
        }
    }

    private Activity? StartSpan()
    {
        var span = Source.StartActivity("SELECT Resources", ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("db.system.name", "sqlite");
            span.SetTag("db.namespace", _databaseName);
            span.SetTag("db.operation.name", "SELECT");
            span.SetTag("db.query.summary", "SELECT Resources");
            span.SetTag("db.collection.name", "Resources");
            span.SetTag("db.query.text", FindByIdSql);
        }
        return span;
    }

    private ReadSession Rent()
    {
        if (_idle.TryDequeue(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }
        return new ReadSession(_connectionString);
    }

    private void Return(ReadSession session)
    {
        if (Interlocked.Increment(ref _idleCount) <= _capacity && !_disposed)
        {
            _idle.Enqueue(session);
            // Dispose may have emptied the queue just before this session went in.
            if (_disposed)
            {
                CloseIdle();
            }
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        session.Dispose();
    }

    /// <summary>Closes the idle connections; one still reading is closed when it comes back.</summary>
    public void Dispose()
    {
        _disposed = true;
        CloseIdle();
    }

    private void CloseIdle()
    {
        while (_idle.TryDequeue(out var session))
        {
            session.Dispose();
        }
    }

    private sealed class ReadSession : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _find;
        private readonly SqliteParameter _id;

        public ReadSession(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            try
            {
                _connection.Open();
                _find = _connection.CreateCommand();
                _find.CommandText = FindByIdSql;
                _id = _find.Parameters.Add("$id", SqliteType.Text);
                _id.Value = "";
                _find.Prepare();
            }
            catch
            {
                _connection.Dispose();
                throw;
            }
        }

        public Resource? Find(Guid id)
        {
            _id.Value = id.ToString("D");
            using var reader = _find.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }
            var name = reader.GetString(0);
            var description = reader.IsDBNull(1) ? null : reader.GetString(1);
            var createdAt = reader.GetInt64(2);
            var updatedAt = reader.GetInt64(3);
            var version = reader.GetInt64(4);
            Guid[] dependencies;
            if (reader.IsDBNull(5))
            {
                dependencies = [];
            }
            else
            {
                var list = new List<Guid>(4) { Guid.Parse(reader.GetString(5)) };
                while (reader.Read())
                {
                    list.Add(Guid.Parse(reader.GetString(5)));
                }
                dependencies = list.ToArray();
            }
            return new Resource
            {
                Id = id,
                Name = name,
                Description = description,
                Dependencies = dependencies,
                CreatedAt = Timestamps.FromUnixMilliseconds(createdAt),
                UpdatedAt = Timestamps.FromUnixMilliseconds(updatedAt),
                Version = version,
            };
        }

        public void Dispose()
        {
            _find.Dispose();
            _connection.Dispose();
        }
    }
}
