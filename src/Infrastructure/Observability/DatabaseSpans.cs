using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry.Instrumentation.EntityFrameworkCore;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// EF Core's database client spans on the stable OpenTelemetry database conventions: named from
/// <c>db.query.summary</c> (operation and table, e.g. <c>INSERT Resources</c>), with
/// <c>db.system.name</c>, <c>db.namespace</c> and <c>db.query.text</c>. The instrumentation's own
/// stable mode summarises EF's quoted identifiers as the bare operation (<c>INSERT</c>), and its old
/// mode names spans after the database (<c>main</c>), so the span is finished here, through its
/// supported enrich hook; <c>OtlpExportTests</c> pins the result.
/// </summary>
public static partial class DatabaseSpans
{
    private const int MaxCachedSummaries = 512;
    private static readonly ConcurrentDictionary<string, string> Summaries = new(StringComparer.Ordinal);
    private static readonly string[] OldAttributes = ["db.system", "db.name", "db.statement", "peer.service"];

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
        activity.DisplayName = summary;
        activity.SetTag("db.system.name", system);
        activity.SetTag("db.namespace", database);
        activity.SetTag("db.query.summary", summary);
        activity.SetTag("db.query.text", command.CommandText);
    }

    /// <summary>The first statement's operation and target table: <c>SELECT Resources</c>, <c>DELETE Dependencies</c>.</summary>
    public static string Summarize(string sql)
    {
        if (Summaries.TryGetValue(sql, out var cached))
        {
            return cached;
        }
        var operation = Operation().Match(sql) is { Success: true } op ? op.Groups[1].Value.ToUpperInvariant() : "SQL";
        var summary = Target().Match(sql) is { Success: true } table ? operation + " " + table.Groups[1].Value : operation;
        // EF's command texts are a small fixed set; the cap only guards against unbounded ad-hoc SQL.
        if (Summaries.Count < MaxCachedSummaries)
        {
            Summaries.TryAdd(sql, summary);
        }
        return summary;
    }

    [GeneratedRegex(@"^\s*(\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex Operation();

    [GeneratedRegex(@"\b(?:FROM|INTO|UPDATE|JOIN)\s+[""`\[]?(\w+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Target();
}
