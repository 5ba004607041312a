using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ResourceCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The number of resources, kept by triggers inside the same transaction as the rows, so
            // X-Total-Count and crud.resources.total cost one row read instead of COUNT(*) over the table.
            migrationBuilder.Sql("CREATE TABLE ResourceCount (Id INTEGER NOT NULL PRIMARY KEY CHECK (Id = 1), Total INTEGER NOT NULL);");
            migrationBuilder.Sql("INSERT INTO ResourceCount (Id, Total) SELECT 1, COUNT(*) FROM Resources;");
            migrationBuilder.Sql("CREATE TRIGGER Resources_Count_Insert AFTER INSERT ON Resources BEGIN UPDATE ResourceCount SET Total = Total + 1 WHERE Id = 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER Resources_Count_Delete AFTER DELETE ON Resources BEGIN UPDATE ResourceCount SET Total = Total - 1 WHERE Id = 1; END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_Count_Delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_Count_Insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ResourceCount;");
        }
    }
}
