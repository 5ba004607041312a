using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <summary>
    /// A resource's dependencies in list order straight from an index (decisions/013): pages read
    /// them per row without a table lookup per dependency for its position. Raw SQL like
    /// <see cref="IdempotencyKeys"/>: only the page statements use it, the EF model does not change.
    /// Existing databases get it when they are migrated at start.
    /// </summary>
    [DbContext(typeof(ResourceDbContext))]
    [Migration("20261202120000_DependencyListOrder")]
    public partial class DependencyListOrder : Migration
    {
        public const string IndexName = "IX_ResourceDependencies_ResourceId_Position_DependsOnId";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"CREATE INDEX IF NOT EXISTS {IndexName} ON ResourceDependencies (ResourceId, Position, DependsOnId);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP INDEX IF EXISTS {IndexName};");
        }
    }
}
