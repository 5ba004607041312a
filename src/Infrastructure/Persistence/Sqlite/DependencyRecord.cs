namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>One edge: <see cref="ResourceId"/> depends on <see cref="DependsOnId"/>, at <see cref="Position"/> in its list.</summary>
public sealed class DependencyRecord
{
    public required string ResourceId { get; set; }
    public required string DependsOnId { get; set; }
    public int Position { get; set; }
}
