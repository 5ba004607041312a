using System.Buffers.Text;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A read statement prepared once on a session's connection and stepped with direct calls into
/// the SQLite library that Microsoft.Data.Sqlite loads (<see cref="Library"/>): a column is one
/// or two plain native calls, and ids are parsed from the UTF-8 bytes SQLite holds, without a
/// string in between (ADR 013, 018 give the measurements). Preparing, binding and errors go
/// through SQLitePCL and <see cref="SqliteException"/>. Used only by <see cref="SqliteResourceReader"/>.
/// </summary>
public sealed unsafe partial class SqliteReadStatement : IDisposable
{
    /// <summary>The bundled library's name; a test fails if the bundle ever loads another.</summary>
    public const string Library = "e_sqlite3";

    private const int Null = 5;

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly nint _handle;
    private readonly Dictionary<string, int> _parameters = new(StringComparer.Ordinal);

    /// <summary>
    /// Prepares <paramref name="sql"/>. Preparing reads the schema, so on a new connection it
    /// waits out another connection's lock as a step does, until the connection's timeout.
    /// </summary>
    public SqliteReadStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        var clock = Stopwatch.StartNew();
        int rc;
        while ((rc = raw.sqlite3_prepare_v3(connection.Handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out _))
            is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && clock.Elapsed.TotalSeconds < connection.DefaultTimeout)
        {
            _statement.Dispose();
            Thread.Sleep(150);
        }
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        _handle = _statement.DangerousGetHandle();
        // Named once here: looking a name up in SQLite would convert it to UTF-8 on every bind.
        for (var index = raw.sqlite3_bind_parameter_count(_statement); index > 0; index--)
        {
            // A plain '?' has no name; it is bound by index only.
            if (raw.sqlite3_bind_parameter_name(_statement, index).utf8_to_string() is { } name)
            {
                _parameters[name] = index;
            }
        }
    }

    /// <summary>Binds <paramref name="value"/> to the parameter at <paramref name="index"/> (from 1).</summary>
    public void Bind(int index, long value) =>
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(_statement, index, value), _connection.Handle);

    /// <inheritdoc cref="Bind(int, long)"/>
    public void Bind(int index, string value) =>
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(_statement, index, value), _connection.Handle);

    /// <summary>Binds <paramref name="id"/> as the store writes ids (lowercase <c>D</c> format), formatted on the stack.</summary>
    public void Bind(int index, Guid id)
    {
        Span<byte> text = stackalloc byte[36];
        Utf8Formatter.TryFormat(id, text, out _, 'D');
        // SQLite copies the text (SQLITE_TRANSIENT), so the stack buffer may go.
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(_statement, index, text), _connection.Handle);
    }

    /// <summary>Binds <paramref name="value"/> to <paramref name="name"/> when the statement has it.</summary>
    public void Bind(string name, long value)
    {
        if (_parameters.TryGetValue(name, out var index))
        {
            Bind(index, value);
        }
    }

    /// <inheritdoc cref="Bind(string, long)"/>
    public void Bind(string name, string value)
    {
        if (_parameters.TryGetValue(name, out var index))
        {
            Bind(index, value);
        }
    }

    /// <inheritdoc cref="Bind(string, long)"/>
    public void Bind(string name, Guid id)
    {
        if (_parameters.TryGetValue(name, out var index))
        {
            Bind(index, id);
        }
    }

    /// <summary>
    /// The next row; false at the end. A busy or locked database is retried until the
    /// connection's timeout, as <see cref="SqliteCommand"/> does, and only before the first row.
    /// </summary>
    public bool Step(bool first)
    {
        var rc = sqlite3_step(_handle);
        if (first && rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
        {
            var clock = Stopwatch.StartNew();
            while (rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && clock.Elapsed.TotalSeconds < _connection.DefaultTimeout)
            {
                sqlite3_reset(_handle);
                Thread.Sleep(150);
                rc = sqlite3_step(_handle);
            }
        }
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }
        SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        return false;
    }

    /// <summary>Ready for the next read: the statement's snapshot is released.</summary>
    public void Reset() => sqlite3_reset(_handle);

    public bool IsNull(int column) => sqlite3_column_type(_handle, column) == Null;

    public long Int64(int column) => sqlite3_column_int64(_handle, column);

    /// <summary>The column's text as SQLite holds it (UTF-8), valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Utf8(int column)
    {
        var text = sqlite3_column_text(_handle, column);
        return text == null ? [] : new ReadOnlySpan<byte>(text, sqlite3_column_bytes(_handle, column));
    }

    public string String(int column) => Encoding.UTF8.GetString(Utf8(column));

    public Guid Guid(int column) => ParseGuid(Utf8(column));

    /// <summary>A lowercase <c>D</c>-format id, as the store writes them.</summary>
    public static Guid ParseGuid(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out Guid id, out var consumed, 'D') && consumed == text.Length
            ? id
            : throw new FormatException($"Not an id: '{Encoding.UTF8.GetString(text)}'.");

    public void Dispose() => _statement.Dispose();

    [LibraryImport(Library)]
    private static partial int sqlite3_step(nint statement);

    [LibraryImport(Library)]
    private static partial int sqlite3_reset(nint statement);

    // Column reads are short, never block (the session's caller is the connection's only user)
    // and never call back: no GC transition needed.
    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_column_type(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial long sqlite3_column_int64(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial byte* sqlite3_column_text(nint statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    private static partial int sqlite3_column_bytes(nint statement, int column);
}
