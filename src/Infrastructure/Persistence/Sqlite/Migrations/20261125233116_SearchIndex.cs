using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Substring search without scanning the table: an FTS5 trigram index over the lowercased
            // keys, kept in sync by triggers inside the writing transaction. The FTS rows are found
            // again through ResourceSearchKeys (id → FTS rowid), whose keys are explicit integers,
            // so VACUUM renumbering the Resources table's implicit rowids cannot break the link.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE ResourceSearch USING fts5(Id UNINDEXED, NameKey, DescriptionKey, tokenize = 'trigram');");
            migrationBuilder.Sql("CREATE TABLE ResourceSearchKeys (Id TEXT NOT NULL PRIMARY KEY, SearchRowId INTEGER NOT NULL UNIQUE);");
            migrationBuilder.Sql("INSERT INTO ResourceSearch (rowid, Id, NameKey, DescriptionKey) SELECT rowid, Id, NameKey, DescriptionKey FROM Resources;");
            migrationBuilder.Sql("INSERT INTO ResourceSearchKeys (Id, SearchRowId) SELECT Id, rowid FROM Resources;");
            migrationBuilder.Sql(@"CREATE TRIGGER Resources_Search_Insert AFTER INSERT ON Resources BEGIN
                INSERT INTO ResourceSearch (Id, NameKey, DescriptionKey) VALUES (new.Id, new.NameKey, new.DescriptionKey);
                INSERT INTO ResourceSearchKeys (Id, SearchRowId) VALUES (new.Id, last_insert_rowid());
            END;");
            migrationBuilder.Sql(@"CREATE TRIGGER Resources_Search_Delete AFTER DELETE ON Resources BEGIN
                DELETE FROM ResourceSearch WHERE rowid = (SELECT SearchRowId FROM ResourceSearchKeys WHERE Id = old.Id);
                DELETE FROM ResourceSearchKeys WHERE Id = old.Id;
            END;");
            migrationBuilder.Sql(@"CREATE TRIGGER Resources_Search_Update AFTER UPDATE OF NameKey, DescriptionKey ON Resources BEGIN
                UPDATE ResourceSearch SET NameKey = new.NameKey, DescriptionKey = new.DescriptionKey
                WHERE rowid = (SELECT SearchRowId FROM ResourceSearchKeys WHERE Id = old.Id);
            END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_Search_Update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_Search_Delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_Search_Insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ResourceSearchKeys;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ResourceSearch;");
        }
    }
}
