using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <summary>
    /// Each resource row carries its dependency list (decisions/013): a page reads
    /// one row per resource instead of a correlated subquery into ResourceDependencies per row,
    /// which was half of a list page's SQLite time. ResourceDependencies stays the source of truth
    /// (foreign keys, reverse lookups, the cycle check); triggers on it rewrite the copy in the
    /// same statement, so every writer (the prepared creates, EF Core's updates and deletes, a
    /// foreign key's cascade) keeps the two in step. A rewrite is a row update per edge, so the
    /// prepared create, the common write, puts the list in its row itself. Raw SQL like
    /// <see cref="DependencyListOrder"/>: only the page statements read the column, and the EF
    /// model does not change.
    /// </summary>
    [DbContext(typeof(ResourceDbContext))]
    [Migration("20261202140000_DependencyListOnResources")]
    public partial class DependencyListOnResources : Migration
    {
        public const string Column = "DependencyList";

        /// <summary>
        /// <c>{0}</c>'s dependencies as <c>position:id</c> pairs separated by commas, in no
        /// particular order (the reader sorts them); NULL when it has none. Positions travel with
        /// the ids because the schema must stay readable by SQLite before 3.44, which cannot parse
        /// an ordered aggregate, and no older form promises group_concat's order.
        /// </summary>
        private const string ListOf =
            "(SELECT group_concat(d.Position || ':' || d.DependsOnId, ',') FROM ResourceDependencies AS d WHERE d.ResourceId = {0})";

        private static readonly string[] Triggers =
        [
            // A create writes its row with the list already in it (SqliteWriteStatements): an edge
            // whose pair is already in the list rewrites nothing. Any other insert finds its pair
            // missing, since a list always holds exactly the pairs of the edges it was made from.
            "CREATE TRIGGER ResourceDependencies_List_Insert AFTER INSERT ON ResourceDependencies " +
            $"WHEN instr(',' || coalesce((SELECT r.{Column} FROM Resources AS r WHERE r.Id = new.ResourceId), '') || ',', " +
            "',' || new.Position || ':' || new.DependsOnId || ',') = 0 " +
            $"BEGIN {Rewrite("new")} END;",
            $"CREATE TRIGGER ResourceDependencies_List_Delete AFTER DELETE ON ResourceDependencies BEGIN {Rewrite("old")} END;",
            // A moved position rewrites the list; an edge moved to another resource (no writer does
            // this today) rewrites the one it left as well.
            $"CREATE TRIGGER ResourceDependencies_List_Update AFTER UPDATE ON ResourceDependencies BEGIN {Rewrite("new")} " +
            $"{Rewrite("old")[..^1]} AND old.ResourceId IS NOT new.ResourceId; END;",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"ALTER TABLE Resources ADD COLUMN {Column} TEXT NULL;");
            // One pass over the covering (ResourceId, Position, DependsOnId) index: linear in the store.
            migrationBuilder.Sql($"UPDATE Resources SET {Column} = {string.Format(ListOf, "Resources.Id")};");
            foreach (var trigger in Triggers)
            {
                migrationBuilder.Sql(trigger);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_List_Update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_List_Delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_List_Insert;");
            migrationBuilder.Sql($"ALTER TABLE Resources DROP COLUMN {Column};");
        }

        private static string Rewrite(string row) =>
            $"UPDATE Resources SET {Column} = {string.Format(ListOf, row + ".ResourceId")} WHERE Id = {row}.ResourceId;";
    }
}
