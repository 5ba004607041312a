using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrudCqrs.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <summary>
    /// A trigram full-text index over the lowercased name and description, so that substring
    /// search reads the few matching rows instead of scanning the table. Triggers keep it in step
    /// with Resources inside the writing transaction, whoever writes. The index's rows are found by
    /// resource id through ResourceSearchKeys, never through the Resources rowid (VACUUM may
    /// renumber an implicit rowid).
    /// </summary>
    public partial class SearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // case_sensitive 1: the keys are already folded by .NET (ToLowerInvariant), as the query is.
            migrationBuilder.Sql(
                """
                CREATE VIRTUAL TABLE ResourceSearch USING fts5(
                    Id UNINDEXED, NameKey, DescriptionKey, tokenize = 'trigram case_sensitive 1');
                """);
            migrationBuilder.Sql(
                "CREATE TABLE ResourceSearchKeys (Id TEXT NOT NULL PRIMARY KEY, SearchRowId INTEGER NOT NULL) WITHOUT ROWID;");
            migrationBuilder.Sql(
                """
                INSERT INTO ResourceSearch (rowid, Id, NameKey, DescriptionKey)
                SELECT rowid, Id, NameKey, DescriptionKey FROM Resources;
                """);
            migrationBuilder.Sql("INSERT INTO ResourceSearchKeys (Id, SearchRowId) SELECT Id, rowid FROM Resources;");
            migrationBuilder.Sql(
                """
                CREATE TRIGGER Resources_SearchInsert AFTER INSERT ON Resources BEGIN
                    INSERT INTO ResourceSearch (Id, NameKey, DescriptionKey) VALUES (new.Id, new.NameKey, new.DescriptionKey);
                    INSERT INTO ResourceSearchKeys (Id, SearchRowId) VALUES (new.Id, last_insert_rowid());
                END;
                """);
            migrationBuilder.Sql(
                """
                CREATE TRIGGER Resources_SearchUpdate AFTER UPDATE OF NameKey, DescriptionKey ON Resources BEGIN
                    UPDATE ResourceSearch SET NameKey = new.NameKey, DescriptionKey = new.DescriptionKey
                    WHERE rowid = (SELECT SearchRowId FROM ResourceSearchKeys WHERE Id = new.Id);
                END;
                """);
            migrationBuilder.Sql(
                """
                CREATE TRIGGER Resources_SearchDelete AFTER DELETE ON Resources BEGIN
                    DELETE FROM ResourceSearch WHERE rowid = (SELECT SearchRowId FROM ResourceSearchKeys WHERE Id = old.Id);
                    DELETE FROM ResourceSearchKeys WHERE Id = old.Id;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_SearchDelete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_SearchUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Resources_SearchInsert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ResourceSearchKeys;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ResourceSearch;");
        }
    }
}
