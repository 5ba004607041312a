using CrudCqrs.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CrudCqrs.Scale;

/// <summary>
/// A store of exactly N resources shaped like real use: most have no or few dependencies on older
/// resources, some form short chains; plus fixed-size structures the timed operations need, so
/// that what they touch is the same at every size and only the store around them grows.
/// </summary>
public sealed class Fixture
{
    public const int ChainLength = 500;
    public const int NeedleCount = 20;
    public const string NeedleTerm = "needle";
    public const int SubtreeSize = 1000;
    public const int MinimumSize = 1000;
    private const int BatchSize = 100_000;

    private static readonly string[] Words =
        ["alpha", "billing", "cache", "db", "edge", "feed", "gateway", "auth", "index", "queue",
         "report", "search", "storage", "web", "worker", "metrics", "mail", "proxy", "cron", "vault"];

    private readonly Random _random = new(20261125);

    private Fixture(string databasePath, int size)
    {
        DatabasePath = databasePath;
        Size = size;
        Ids = new Guid[size];
    }

    public string DatabasePath { get; }
    public string ConnectionString => $"Data Source={DatabasePath}";
    public int Size { get; }

    /// <summary>Every id in creation order.</summary>
    public Guid[] Ids { get; }

    /// <summary>The long chain in order: each link depends on the one before.</summary>
    public List<Guid> Chain { get; } = new(ChainLength);

    public int NeedlesStored { get; private set; }

    /// <summary>A resource nothing depends on, whose dependencies the deep-cycle-check update replaces.</summary>
    public Guid UpdateTarget { get; private set; }

    public Guid ChainTail => Chain[^1];
    public Guid ChainBeforeTail => Chain[^2];

    public static Fixture Create(string databasePath, int size)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }
        var fixture = new Fixture(databasePath, size);
        fixture.Migrate();
        fixture.Fill();
        return fixture;
    }

    private void Migrate()
    {
        var options = new DbContextOptionsBuilder<ResourceDbContext>().UseSqlite(ConnectionString).Options;
        using var db = new ResourceDbContext(options);
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    private void Fill()
    {
        // Created times one millisecond apart, ending an hour ago: the service's own writes come after.
        var firstCreated = DateTimeOffset.UtcNow.AddHours(-1).AddMilliseconds(-Size).ToUnixTimeMilliseconds();
        var chainStart = Size / 4;
        var needleStride = Size / NeedleCount;
        UpdateTarget = Guid.Empty;

        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=OFF;");
        using var insertResource = Prepare(connection, null,
            "INSERT INTO Resources (Id, Name, Description, NameKey, DescriptionKey, CreatedAt, UpdatedAt, Version) VALUES ($id, $name, $description, $nameKey, $descriptionKey, $created, $created, 1)",
            "$id", "$name", "$description", "$nameKey", "$descriptionKey", "$created");
        using var insertEdge = Prepare(connection, null,
            "INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) VALUES ($resource, $dependsOn, $position)",
            "$resource", "$dependsOn", "$position");

        var dependencies = new List<Guid>(3);
        var inShortChain = 0;
        SqliteTransaction? transaction = null;
        for (var i = 0; i < Size; i++)
        {
            if (i % BatchSize == 0)
            {
                transaction?.Commit();
                transaction?.Dispose();
                transaction = connection.BeginTransaction();
                insertResource.Transaction = transaction;
                insertEdge.Transaction = transaction;
            }
            var created = firstCreated + i;
            var id = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(created));
            Ids[i] = id;
            dependencies.Clear();

            string name;
            string? description;
            if (i % needleStride == 7)
            {
                name = $"{NeedleTerm}-{i}";
                description = "what the selective search finds";
                NeedlesStored++;
            }
            else if (i >= chainStart && Chain.Count < ChainLength)
            {
                name = $"chain-{Chain.Count}";
                description = "a link of the long chain";
                if (Chain.Count > 0)
                {
                    dependencies.Add(Chain[^1]);
                }
                Chain.Add(id);
            }
            else if (i == 1)
            {
                UpdateTarget = id;
                name = "update-target";
                description = "its dependencies are replaced over and over";
            }
            else
            {
                name = $"{Words[_random.Next(Words.Length)]}-{Words[_random.Next(Words.Length)]}-{i}";
                description = _random.Next(3) == 0 ? null : $"Owned by team {_random.Next(200)}, tier {_random.Next(4)}";
                var roll = _random.NextDouble();
                if (inShortChain > 0 && i > 0)
                {
                    dependencies.Add(Ids[i - 1]);
                    inShortChain--;
                }
                else if (roll < 0.02)
                {
                    inShortChain = 9;
                }
                else if (roll > 0.70 && i > 10)
                {
                    // 1 to 3 dependencies on older resources, outside the fixed structures.
                    var wanted = 1 + _random.Next(3);
                    while (dependencies.Count < wanted)
                    {
                        var target = _random.Next(i);
                        if (target != 1 && (target < chainStart || Chain.Count == ChainLength) && !dependencies.Contains(Ids[target]))
                        {
                            dependencies.Add(Ids[target]);
                        }
                    }
                }
            }

            var key = id.ToString("D");
            Set(insertResource, key, name, (object?)description ?? DBNull.Value, name.ToLowerInvariant(),
                (object?)description?.ToLowerInvariant() ?? DBNull.Value, created);
            insertResource.ExecuteNonQuery();
            for (var position = 0; position < dependencies.Count; position++)
            {
                Set(insertEdge, key, dependencies[position].ToString("D"), position);
                insertEdge.ExecuteNonQuery();
            }
        }
        transaction!.Commit();
        transaction.Dispose();
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        Execute(connection, "ANALYZE;");
    }

    /// <summary>
    /// A fresh tree of <see cref="SubtreeSize"/> resources under a new root (each node depends on its
    /// parent), written beside the running service; returns the root that a cascade delete removes.
    /// </summary>
    public Guid InsertSubtree()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new string[SubtreeSize];
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insertResource = Prepare(connection, transaction,
            "INSERT INTO Resources (Id, Name, Description, NameKey, DescriptionKey, CreatedAt, UpdatedAt, Version) VALUES ($id, $name, NULL, $name, NULL, $created, $created, 1)",
            "$id", "$name", "$created");
        using var insertEdge = Prepare(connection, transaction,
            "INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) VALUES ($resource, $dependsOn, 0)",
            "$resource", "$dependsOn");
        for (var k = 0; k < SubtreeSize; k++)
        {
            ids[k] = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(now)).ToString("D");
            Set(insertResource, ids[k], $"subtree-{k}", now);
            insertResource.ExecuteNonQuery();
            if (k > 0)
            {
                Set(insertEdge, ids[k], ids[(k - 1) / 3]);
                insertEdge.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        return Guid.Parse(ids[0]);
    }

    public long FileBytes => new FileInfo(DatabasePath).Length;

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction? transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = parameter });
        }
        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
