using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ForwardDependencies : Migration
    {
        // A dependency is "forward" when it points at a resource that comes later in the
        // (CreatedAt, Id) order. While none exists, creation order is already a topological
        // order, so search can page in SQL instead of ordering every match in memory.
        private const string IsForward =
            "t.CreatedAt > r.CreatedAt OR (t.CreatedAt = r.CreatedAt AND t.Id > r.Id)";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Create(migrationBuilder);

        /// <summary>Also what TopologicalPositions.Down restores.</summary>
        internal static void Create(MigrationBuilder migrationBuilder)
        {
            // Kept by triggers in the same transaction as the edges. The delete trigger needs no
            // resource row, so edges removed by ON DELETE CASCADE leave nothing behind.
            migrationBuilder.Sql("CREATE TABLE ForwardDependencies (ResourceId TEXT NOT NULL, DependsOnId TEXT NOT NULL, PRIMARY KEY (ResourceId, DependsOnId)) WITHOUT ROWID;");
            migrationBuilder.Sql(
                "INSERT INTO ForwardDependencies (ResourceId, DependsOnId) SELECT d.ResourceId, d.DependsOnId FROM ResourceDependencies AS d " +
                $"JOIN Resources AS r ON r.Id = d.ResourceId JOIN Resources AS t ON t.Id = d.DependsOnId WHERE {IsForward};");
            migrationBuilder.Sql(
                "CREATE TRIGGER ResourceDependencies_Forward_Insert AFTER INSERT ON ResourceDependencies " +
                $"WHEN EXISTS (SELECT 1 FROM Resources AS r, Resources AS t WHERE r.Id = NEW.ResourceId AND t.Id = NEW.DependsOnId AND ({IsForward})) " +
                "BEGIN INSERT OR IGNORE INTO ForwardDependencies (ResourceId, DependsOnId) VALUES (NEW.ResourceId, NEW.DependsOnId); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER ResourceDependencies_Forward_Delete AFTER DELETE ON ResourceDependencies " +
                "BEGIN DELETE FROM ForwardDependencies WHERE ResourceId = OLD.ResourceId AND DependsOnId = OLD.DependsOnId; END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER ResourceDependencies_Forward_Update AFTER UPDATE OF ResourceId, DependsOnId ON ResourceDependencies " +
                "BEGIN DELETE FROM ForwardDependencies WHERE ResourceId = OLD.ResourceId AND DependsOnId = OLD.DependsOnId; " +
                "INSERT OR IGNORE INTO ForwardDependencies (ResourceId, DependsOnId) SELECT NEW.ResourceId, NEW.DependsOnId " +
                $"WHERE EXISTS (SELECT 1 FROM Resources AS r, Resources AS t WHERE r.Id = NEW.ResourceId AND t.Id = NEW.DependsOnId AND ({IsForward})); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_Forward_Update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_Forward_Delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_Forward_Insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ForwardDependencies;");
        }
    }
}
