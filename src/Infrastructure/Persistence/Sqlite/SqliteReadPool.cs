using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Observability;
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
    private static readonly DatabaseSpans.Summary SelectResources = new("SELECT", "Resources");

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

    public Resource? Find(Guid id, CancellationToken cancellationToken) =>
        Read(FindByIdSql, session => session.Find(id), cancellationToken);

    /// <summary>A page of the list in (created at, id) order, by offset, and the stored count.</summary>
    public ResourcePage ListPage(int offset, int limit, CancellationToken cancellationToken) =>
        ListPage(ReadPage(SqlitePageQuery.ListByOffset, null, null, offset, limit, cancellationToken));

    /// <summary>The list page after <paramref name="after"/>, by seeking the (CreatedAt, Id) index.</summary>
    public ResourcePage ListPageAfter(ResourceCursor after, int limit, CancellationToken cancellationToken) =>
        ListPage(ReadPage(SqlitePageQuery.ListAfter, null, after, 0, limit, cancellationToken));

    private static ResourcePage ListPage(PageRead page) => new(page.Items, page.TotalCount);

    /// <summary>
    /// A search page in dependency order (an index range on TopologicalPosition, narrowed by the
    /// trigram index when the text is long enough), after <paramref name="afterPosition"/> or at
    /// <paramref name="offset"/>, and the number of matches, read by one statement.
    /// </summary>
    public SearchPage SearchPage(SqliteSearchText? text, long? afterPosition, int offset, int limit, CancellationToken cancellationToken)
    {
        var query = SqlitePageQuery.Search(text, afterPosition is not null);
        var page = ReadPage(query, text, afterPosition, offset, limit, cancellationToken);
        return new SearchPage(page.Items, page.TotalCount, page.Items.Count == 0 ? null : page.LastPosition);
    }

    private PageRead ReadPage(SqlitePageQuery query, SqliteSearchText? text, object? after, int offset, int limit, CancellationToken cancellationToken) =>
        Read(query.PageSql, session => session.ReadPage(query, text, after, offset, limit), cancellationToken);

    private T Read<T>(string sql, Func<ReadSession, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var span = DatabaseSpans.StartSqliteSpan(Source, SelectResources, _databaseName, sql);
        ReadSession? session = null;
        try
        {
            session = Rent();
            var result = read(session);
            Return(session);
            return result;
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
        // Page row columns (SqlitePageQuery's Columns), then a page statement's count.
        private const int PositionColumn = 6;
        private const int DependenciesColumn = 7;
        private const int TotalColumn = 8;

        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _find;
        private readonly SqliteParameter _id;
        // Page statements are prepared on first use and kept with the connection.
        private readonly SqlitePageStatement?[] _pages = new SqlitePageStatement?[SqlitePageQuery.Count];
        private readonly SqliteCommand?[] _counts = new SqliteCommand?[SqlitePageQuery.Count];
        private readonly List<Resource> _items = new(100);
        private SqlitePageStatement? _row;

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

        public PageRead ReadPage(SqlitePageQuery query, SqliteSearchText? text, object? after, int offset, int limit)
        {
            var statement = _pages[query.Index] ??= new SqlitePageStatement(_connection, query.PageSql);
            _items.Clear();
            if (query.ReadsMatches)
            {
                return ReadMatches(statement, text!, after as long?, offset, limit);
            }
            long? total = null;
            long? lastPosition = null;
            try
            {
                Bind(statement, text, after);
                statement.Bind("$limit", limit);
                statement.Bind("$offset", offset);
                while (statement.Step(first: _items.Count == 0))
                {
                    _items.Add(ReadResource(statement));
                    total ??= statement.Int64(TotalColumn);
                    if (query.ReadsPositions)
                    {
                        lastPosition = statement.IsNull(PositionColumn) ? null : statement.Int64(PositionColumn);
                    }
                }
            }
            finally
            {
                statement.Reset();
            }
            if (total is null)
            {
                // An empty page has no row to carry the count.
                var count = _counts[query.Index] ??= Prepare(query.CountSql);
                Bind(count, text, after: null);
                total = (long)count.ExecuteScalar()!;
            }
            return new PageRead(_items.ToArray(), total.Value, lastPosition);
        }

        /// <summary>
        /// An indexed search page: every match in search order is counted, and the page's rows are
        /// read by rowid as their matches pass (after <paramref name="after"/>, then past
        /// <paramref name="offset"/>), while the matches statement keeps the read transaction open.
        /// </summary>
        private PageRead ReadMatches(SqlitePageStatement matches, SqliteSearchText text, long? after, int offset, int limit)
        {
            var rows = _row ??= new SqlitePageStatement(_connection, SqlitePageQuery.RowSql);
            long total = 0;
            long? lastPosition = null;
            var skip = offset;
            try
            {
                Bind(matches, text, after: null);
                while (matches.Step(first: total == 0))
                {
                    total++;
                    if (_items.Count == limit)
                    {
                        continue;
                    }
                    var position = matches.Int64(1);
                    if (position <= after || skip-- > 0)
                    {
                        continue;
                    }
                    rows.Bind(1, matches.Int64(0));
                    try
                    {
                        if (rows.Step(first: false))
                        {
                            _items.Add(ReadResource(rows));
                            lastPosition = position;
                        }
                    }
                    finally
                    {
                        rows.Reset();
                    }
                }
            }
            finally
            {
                matches.Reset();
            }
            return new PageRead(_items.ToArray(), total, lastPosition);
        }

        private static Resource ReadResource(SqlitePageStatement row) => new()
        {
            Id = row.Guid(0),
            Name = row.String(1),
            Description = row.IsNull(2) ? null : row.String(2),
            CreatedAt = Timestamps.FromUnixMilliseconds(row.Int64(3)),
            UpdatedAt = Timestamps.FromUnixMilliseconds(row.Int64(4)),
            Version = row.Int64(5),
            Dependencies = row.IsNull(DependenciesColumn) ? [] : ParseDependencies(row.Utf8(DependenciesColumn)),
        };

        /// <summary>
        /// The ids of the row's <c>position:id,position:id…</c> pairs, in list order: the pairs
        /// come in no promised order, so they are sorted by position here.
        /// </summary>
        private static Guid[] ParseDependencies(ReadOnlySpan<byte> pairs)
        {
            var count = pairs.Count((byte)',') + 1;
            var ids = new Guid[count];
            Span<int> positions = count <= 128 ? stackalloc int[count] : new int[count];
            var rest = pairs;
            for (var i = 0; i < count; i++)
            {
                var comma = rest.IndexOf((byte)',');
                var pair = comma < 0 ? rest : rest[..comma];
                var colon = pair.IndexOf((byte)':');
                if (colon <= 0 || !Utf8Parser.TryParse(pair[..colon], out positions[i], out var consumed) || consumed != colon)
                {
                    throw new FormatException("A dependency list is not a list of position:id pairs.");
                }
                ids[i] = SqlitePageStatement.ParseGuid(pair[(colon + 1)..]);
                rest = comma < 0 ? [] : rest[(comma + 1)..];
            }
            if (count > 1)
            {
                positions.Sort(ids.AsSpan());
            }
            return ids;
        }

        private SqliteCommand Prepare(string sql)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in SqlitePageQuery.ParameterNames(sql))
            {
                command.Parameters.Add(name, name is "$afterId" or "$key" or "$match" ? SqliteType.Text : SqliteType.Integer).Value = 0;
            }
            command.Prepare();
            return command;
        }

        private static void Bind(SqlitePageStatement statement, SqliteSearchText? text, object? after)
        {
            if (text is not null)
            {
                statement.Bind("$key", text.Key);
                if (text.Indexed)
                {
                    statement.Bind("$match", text.MatchExpression);
                }
            }
            switch (after)
            {
                case ResourceCursor cursor:
                    statement.Bind("$afterTime", Timestamps.Normalize(cursor.CreatedAt).ToUnixTimeMilliseconds());
                    statement.Bind("$afterId", cursor.Id.ToString("D"));
                    break;
                case long position:
                    statement.Bind("$after", position);
                    break;
            }
        }

        private static void Bind(SqliteCommand command, SqliteSearchText? text, object? after)
        {
            if (text is not null)
            {
                command.Parameters["$key"].Value = text.Key;
                if (text.Indexed)
                {
                    command.Parameters["$match"].Value = text.MatchExpression;
                }
            }
            switch (after)
            {
                case ResourceCursor cursor:
                    command.Parameters["$afterTime"].Value = Timestamps.Normalize(cursor.CreatedAt).ToUnixTimeMilliseconds();
                    command.Parameters["$afterId"].Value = cursor.Id.ToString("D");
                    break;
                case long position:
                    command.Parameters["$after"].Value = position;
                    break;
            }
        }

        public void Dispose()
        {
            foreach (var statement in _pages)
            {
                statement?.Dispose();
            }
            foreach (var command in _counts)
            {
                command?.Dispose();
            }
            _row?.Dispose();
            _find.Dispose();
            _connection.Dispose();
        }
    }

    private sealed record PageRead(IReadOnlyList<Resource> Items, long TotalCount, long? LastPosition);
}
