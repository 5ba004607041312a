using CrudCqrs.Infrastructure.Observability;

namespace CrudCqrs.Observability.IntegrationTests.Export;

/// <summary>The span names EF Core's statements get: operation and table, as the service's own statements are named.</summary>
public sealed class DatabaseSpanSummaryTests
{
    [Theory]
    [InlineData("SELECT \"r1\".\"Id\" FROM (\n    SELECT \"r\".\"Id\" FROM \"Resources\" AS \"r\" WHERE \"r\".\"Id\" = @key LIMIT 1\n) AS \"r1\"", "SELECT", "Resources")]
    [InlineData("UPDATE \"Resources\" AS \"r\"\nSET \"Name\" = @p\nWHERE \"r\".\"Id\" = @record_Id", "UPDATE", "Resources")]
    [InlineData("DELETE FROM Resources WHERE Id IN (SELECT value FROM json_each(@p0))", "DELETE", "Resources")]
    [InlineData("INSERT INTO ResourceDependencies (ResourceId, DependsOnId, Position) SELECT $id, value, key FROM json_each($dependsOn)", "INSERT", "ResourceDependencies")]
    // A table-valued function is not the target; the statement after the common tables is the operation.
    [InlineData("WITH RECURSIVE reach(id) AS (\n    SELECT value FROM json_each(@p0)\n    UNION\n    SELECT d.DependsOnId FROM ResourceDependencies AS d JOIN reach ON d.ResourceId = reach.id\n)\nSELECT d.ResourceId FROM reach CROSS JOIN ResourceDependencies AS d", "SELECT", "ResourceDependencies")]
    [InlineData("WITH RECURSIVE dependents(id) AS (\n    SELECT ResourceId FROM ResourceDependencies WHERE DependsOnId = @p0\n)\nDELETE FROM Resources WHERE Id IN (SELECT id FROM dependents)", "DELETE", "ResourceDependencies")]
    [InlineData("PRAGMA journal_mode", "PRAGMA", null)]
    public void A_statement_is_summarised_by_its_operation_and_target_table(string sql, string operation, string? table)
    {
        var summary = DatabaseSpans.Summarize(sql);

        Assert.Equal(operation, summary.Operation);
        Assert.Equal(table, summary.Collection);
        Assert.Equal(table is null ? operation : $"{operation} {table}", summary.Text);
    }
}
