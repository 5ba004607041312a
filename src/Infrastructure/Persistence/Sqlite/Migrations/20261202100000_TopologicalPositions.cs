using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TopologicalPositions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Each resource's place in one topological order of the whole graph, kept by every
            // write (docs/decisions/008-dynamic-topological-order.md). The column starts empty: the
            // positions of existing rows are computed once at start (TopologicalPositionBackfill),
            // in C#, because a linear topological sort is not expressible in one SQL statement.
            migrationBuilder.AddColumn<long>(
                name: "TopologicalPosition",
                table: "Resources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Resources_TopologicalPosition",
                table: "Resources",
                column: "TopologicalPosition",
                unique: true);

            // Search no longer asks whether creation order is topological: the positions are.
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_Forward_Update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_Forward_Delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ResourceDependencies_Forward_Insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ForwardDependencies;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            ForwardDependencies.Create(migrationBuilder);

            migrationBuilder.DropIndex(
                name: "IX_Resources_TopologicalPosition",
                table: "Resources");

            migrationBuilder.DropColumn(
                name: "TopologicalPosition",
                table: "Resources");
        }
    }
}
