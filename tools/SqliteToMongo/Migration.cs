using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Persistence;
using CrudCqrs.Infrastructure.Persistence.Mongo;
using CrudCqrs.Application.Idempotency;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CrudCqrs.Tools.SqliteToMongo;

/// <summary>
/// Copies every resource of a SQLite database into MongoDB: upserts by id (running it again
/// changes nothing), then reads everything back and compares. Exit codes: 0 copied and verified,
/// 1 verification found a difference, 2 bad arguments, 3 a store could not be reached.
/// </summary>
public static class Migration
{
    public const int Verified = 0;
    public const int Mismatch = 1;
    public const int UsageError = 2;
    public const int StoreUnavailable = 3;

    private const int PageSize = 500;

    public const string Usage =
        """
        usage: SqliteToMongo --sqlite "Data Source=crudcqrs.db" --mongo "mongodb://host:27017/crudcqrs?replicaSet=rs0" [--timeout-seconds 30]
          Copies every resource into MongoDB (upsert by id, safe to run again), creates the indexes,
          then verifies counts and contents. Stop the API's writes while it runs.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out var sqlite, out var mongo, out var timeoutSeconds, out var problem))
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Usage);
            return UsageError;
        }

        MongoConnection target;
        SqliteConnectionStringBuilder source;
        try
        {
            target = MongoConnection.Parse(mongo, timeoutSeconds);
            source = new SqliteConnectionStringBuilder(sqlite) { Mode = SqliteOpenMode.ReadOnly };
        }
        catch (Exception exception) when (exception is DatabaseConfigurationException or ArgumentException or FormatException or KeyNotFoundException)
        {
            await error.WriteLineAsync(exception.Message);
            return UsageError;
        }
        if (!File.Exists(source.DataSource))
        {
            await error.WriteLineAsync($"The SQLite database '{source.DataSource}' does not exist.");
            return UsageError;
        }

        // The service's own read path over a read-only connection; the writer is never asked for a write.
        using var reads = new SqliteReadPool(source.ConnectionString);
        await using var writer = new SqliteGroupCommit(source.ConnectionString);
        var reader = new SqliteResourceRepository(
            reads, writer, Options.Create(new DatabaseOptions { TimeoutSeconds = timeoutSeconds }), new IdempotencyContext());
        using var client = new MongoClient(target.Settings);
        var store = new MongoStore(client, target.DatabaseName, TimeSpan.FromSeconds(timeoutSeconds));

        try
        {
            // The source first: a wrong SQLite path fails before anything is written.
            await output.WriteLineAsync($"SQLite database {source.DataSource} holds {await reader.CountAsync(cancellationToken)} resources.");
            await new MongoIndexes(store, NullLogger<MongoIndexes>.Instance).EnsureAsync(cancellationToken);
            var copied = await CopyAsync(reader, store, output, cancellationToken);
            await output.WriteLineAsync($"Copied {copied} resources into {target.DatabaseName}.{ResourceDocuments.CollectionName}; verifying…");
            var differences = await VerifyAsync(reader, store, cancellationToken);
            if (differences.Count > 0)
            {
                foreach (var difference in differences)
                {
                    await error.WriteLineAsync(difference);
                }
                return Mismatch;
            }
            await output.WriteLineAsync($"Verified: MongoDB holds the same {copied} resources as the SQLite database.");
            return Verified;
        }
        catch (Exception exception) when (exception is StoreUnavailableException or SqliteException || MongoFailures.IsUnavailable(exception))
        {
            await error.WriteLineAsync("A store could not be reached: " + exception.Message);
            return StoreUnavailable;
        }
    }

    /// <summary>
    /// Copies in the source's dependency order and numbers the copies 1, 2, … in that order: the
    /// same order, on positions of the target's own.
    /// </summary>
    private static async Task<long> CopyAsync(IResourceRepository reader, MongoStore store, TextWriter output, CancellationToken cancellationToken)
    {
        long copied = 0;
        var page = await reader.SearchAsync(null, 0, PageSize, cancellationToken);
        while (page.Items.Count > 0)
        {
            var upserts = page.Items.Select((resource, index) => new ReplaceOneModel<BsonDocument>(
                MongoQueries.ById(resource.Id), ResourceDocuments.ToBson(resource, copied + index + 1)) { IsUpsert = true });
            await store.Resources.BulkWriteAsync(upserts, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
            copied += page.Items.Count;
            await output.WriteLineAsync($"  {copied} of {page.TotalCount}");
            page = await reader.SearchAfterAsync(null, page.LastPosition!.Value, PageSize, cancellationToken);
        }
        return copied;
    }

    /// <summary>Every SQLite resource must be in MongoDB field for field, and MongoDB must hold no others.</summary>
    private static async Task<List<string>> VerifyAsync(IResourceRepository reader, MongoStore store, CancellationToken cancellationToken)
    {
        const int shown = 10;
        var differences = new List<string>();
        var sqliteCount = await reader.CountAsync(cancellationToken);
        var mongoCount = await store.Resources.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: cancellationToken);
        if (sqliteCount != mongoCount)
        {
            differences.Add($"Counts differ: SQLite has {sqliteCount} resources, MongoDB has {mongoCount}.");
        }
        var mismatched = 0;
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await reader.ListAsync(offset, PageSize, cancellationToken);
            if (page.Items.Count == 0)
            {
                break;
            }
            var stored = (await store.Resources.Find(MongoQueries.ByIds(page.Items.Select(r => r.Id))).ToListAsync(cancellationToken))
                .Select(ResourceDocuments.FromBson)
                .ToDictionary(r => r.Id);
            foreach (var resource in page.Items)
            {
                Resource? copy = stored.GetValueOrDefault(resource.Id);
                if (copy == resource)
                {
                    continue;
                }
                if (++mismatched <= shown)
                {
                    differences.Add(copy is null
                        ? $"Missing in MongoDB: {resource.Id}"
                        : $"Differs in MongoDB: {resource.Id} (SQLite version {resource.Version}, MongoDB version {copy.Version})");
                }
            }
        }
        if (mismatched > shown)
        {
            differences.Add($"… and {mismatched - shown} more.");
        }
        return differences;
    }

    private static bool TryParse(string[] args, out string sqlite, out string mongo, out int timeoutSeconds, out string problem)
    {
        sqlite = mongo = problem = "";
        timeoutSeconds = 30;
        for (var i = 0; i < args.Length; i++)
        {
            var hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--sqlite" when hasValue:
                    sqlite = args[++i];
                    break;
                case "--mongo" when hasValue:
                    mongo = args[++i];
                    break;
                case "--timeout-seconds" when hasValue:
                    if (!int.TryParse(args[++i], out timeoutSeconds) || timeoutSeconds is < 1 or > 300)
                    {
                        problem = "--timeout-seconds takes whole seconds from 1 to 300.";
                        return false;
                    }
                    break;
                default:
                    problem = $"Unexpected argument '{args[i]}'.";
                    return false;
            }
        }
        if (string.IsNullOrWhiteSpace(sqlite) || string.IsNullOrWhiteSpace(mongo))
        {
            problem = "Both --sqlite and --mongo are required.";
            return false;
        }
        return true;
    }
}
