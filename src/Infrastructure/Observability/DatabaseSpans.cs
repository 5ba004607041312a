using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry.Instrumentation.EntityFrameworkCore;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// EF Core's database client spans on the stable OpenTelemetry database conventions: named from
/// <c>db.query.summary</c> (operation and table, e.g. <c>INSERT Resources</c>), with
/// <c>db.system.name</c>, <c>db.namespace</c>, <c>db.operation.name</c>, <c>db.collection.name</c>
/// and <c>db.query.text</c>, as the service's own statements' spans are. The instrumentation's own
/// stable mode summarises EF's quoted identifiers as the bare operation (<c>INSERT</c>), and its old
/// mode names spans after the database (<c>main</c>), so the span is finished here, through its
/// supported enrich hook; <c>OtlpExportTests</c> pins the result.
/// </summary>
public static partial class DatabaseSpans
{
    private const int MaxCached = 512;
    private static readonly ConcurrentDictionary<string, Summary> Summaries = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> FileNames = new(StringComparer.Ordinal);
    private static readonly string[] OldAttributes = ["db.system", "db.name", "db.statement", "peer.service"];

    /// <summary>A statement's operation, its target table (when one is named) and the two as the span name.</summary>
    public sealed record Summary(string Operation, string? Collection)
    {
        public string Text { get; } = Collection is null ? Operation : Operation + " " + Collection;
    }

    public static void Configure(EntityFrameworkInstrumentationOptions options) => options.EnrichWithIDbCommand = Enrich;

    public static void Enrich(Activity activity, IDbCommand command)
    {
        // Whichever convention the instrumentation was told to emit (OTEL_SEMCONV_STABILITY_OPT_IN).
        var system = activity.GetTagItem("db.system") ?? activity.GetTagItem("db.system.name");
        var database = activity.GetTagItem("db.name") ?? activity.GetTagItem("db.namespace");
        foreach (var key in OldAttributes)
        {
            activity.SetTag(key, null);
        }
        var summary = Summarize(command.CommandText);
        activity.DisplayName = summary.Text;
        // SQLite calls every database "main"; the file name is what tells an operator which one,
        // and it is what the service's own statements' spans carry.
        Tag(activity, summary, system, command.Connection is DbConnection { DataSource: { Length: > 0 } source } ? FileName(source) : database, command.CommandText);
    }

    /// <summary>A client span for one of the service's own SQLite statements, tagged as EF Core's are.</summary>
    public static Activity? StartSqliteSpan(ActivitySource source, Summary summary, string databaseName, string sql)
    {
        var span = source.StartActivity(summary.Text, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            Tag(span, summary, "sqlite", databaseName, sql);
        }
        return span;
    }

    private static void Tag(Activity span, Summary summary, object? system, object? databaseName, string sql)
    {
        span.SetTag("db.system.name", system);
        span.SetTag("db.namespace", databaseName);
        span.SetTag("db.operation.name", summary.Operation);
        span.SetTag("db.collection.name", summary.Collection);
        span.SetTag("db.query.summary", summary.Text);
        span.SetTag("db.query.text", sql);
    }

    /// <summary>
    /// The statement's operation and target table: <c>SELECT Resources</c>, <c>DELETE ResourceDependencies</c>.
    /// A <c>WITH</c> query is named after the statement that follows its common table expressions,
    /// and table-valued functions (<c>json_each(...)</c>) are not tables.
    /// </summary>
    public static Summary Summarize(string sql)
    {
        if (Summaries.TryGetValue(sql, out var cached))
        {
            return cached;
        }
        var operation = Operation().Match(sql) is { Success: true } op ? op.Groups[1].Value.ToUpperInvariant() : "SQL";
        if (operation == "WITH" && StatementAfterCommonTables().Match(sql) is { Success: true } statement)
        {
            operation = statement.Groups[1].Value.ToUpperInvariant();
        }
        var summary = new Summary(operation, Target().Match(sql) is { Success: true } table ? table.Groups["table"].Value : null);
        // EF's command texts are a small fixed set; the cap only guards against unbounded ad-hoc SQL.
        if (Summaries.Count < MaxCached)
        {
            Summaries.TryAdd(sql, summary);
        }
        return summary;
    }

    private static string FileName(string dataSource)
    {
        if (FileNames.TryGetValue(dataSource, out var name))
        {
            return name;
        }
        name = Path.GetFileName(dataSource);
        if (FileNames.Count < MaxCached)
        {
            FileNames.TryAdd(dataSource, name);
        }
        return name;
    }

    [GeneratedRegex(@"^\s*(\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex Operation();

    [GeneratedRegex(@"\)\s*(SELECT|INSERT|UPDATE|DELETE)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StatementAfterCommonTables();

    // After FROM or JOIN a name followed by "(" is a table-valued function; after INTO, a column list.
    [GeneratedRegex(@"\b(?:(?:FROM|JOIN)\s+[""`\[]?(?<table>\w+)\b(?![""`\]]?\s*\()|(?:INTO|UPDATE)\s+[""`\[]?(?<table>\w+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Target();
}
