using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <summary>
    /// Stored idempotency keys (ADR 010). Raw SQL and no entity: the table is read and written with
    /// plain statements inside the write transactions, so the EF model does not change.
    /// </summary>
    [DbContext(typeof(ResourceDbContext))]
    [Migration("20261202030000_IdempotencyKeys")]
    public partial class IdempotencyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                "CREATE TABLE IdempotencyKeys (Scope TEXT NOT NULL, Key TEXT NOT NULL, RequestHash TEXT NOT NULL, " +
                "Status INTEGER NOT NULL, Body TEXT NULL, Location TEXT NULL, ETag TEXT NULL, " +
                "CreatedAt INTEGER NOT NULL, ExpiresAt INTEGER NOT NULL, PRIMARY KEY (Scope, Key)) WITHOUT ROWID;");
            // The sweep finds expired keys without a scan.
            migrationBuilder.Sql("CREATE INDEX IX_IdempotencyKeys_ExpiresAt ON IdempotencyKeys (ExpiresAt);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IdempotencyKeys;");
        }
    }
}
