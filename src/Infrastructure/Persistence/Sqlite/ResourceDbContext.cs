using Microsoft.EntityFrameworkCore;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>Row shape of a resource. Ids are lowercase GUID text so that SQL and JSON agree on order.</summary>
public sealed class ResourceRecord
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Lowercased <see cref="Name"/>: search is a plain substring test on it.</summary>
    public required string NameKey { get; set; }
    public string? DescriptionKey { get; set; }

    /// <summary>Unix milliseconds, UTC.</summary>
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long Version { get; set; }

    /// <summary>
    /// Where the resource stands in the store's one topological order (search order): unique,
    /// after every dependency. Null only between the upgrade that added it and the backfill that
    /// fills it at start (<see cref="TopologicalPositionBackfill"/>).
    /// </summary>
    public long? TopologicalPosition { get; set; }

    public List<DependencyRecord> Dependencies { get; set; } = [];
}

/// <summary>One edge: <see cref="ResourceId"/> depends on <see cref="DependsOnId"/>, at <see cref="Position"/> in its list.</summary>
public sealed class DependencyRecord
{
    public required string ResourceId { get; set; }
    public required string DependsOnId { get; set; }
    public int Position { get; set; }
}

public sealed class ResourceDbContext(DbContextOptions<ResourceDbContext> options) : DbContext(options)
{
    public DbSet<ResourceRecord> Resources => Set<ResourceRecord>();
    public DbSet<DependencyRecord> Dependencies => Set<DependencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ResourceRecord>(resource =>
        {
            resource.ToTable("Resources");
            resource.HasKey(r => r.Id);
            resource.Property(r => r.Id).HasMaxLength(36);
            resource.Property(r => r.Name).HasMaxLength(100);
            resource.Property(r => r.Description).HasMaxLength(500);
            // Paging order: created at, then id.
            resource.HasIndex(r => new { r.CreatedAt, r.Id });
            // Search order; unique, so pages by position neither repeat nor skip.
            resource.HasIndex(r => r.TopologicalPosition).IsUnique();
            resource.HasMany(r => r.Dependencies).WithOne().HasForeignKey(d => d.ResourceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DependencyRecord>(dependency =>
        {
            dependency.ToTable("ResourceDependencies");
            dependency.HasKey(d => new { d.ResourceId, d.DependsOnId });
            // Reverse lookups (who depends on X) for delete, cascade and the dangling-reference guard.
            dependency.HasIndex(d => d.DependsOnId);
            // The database itself refuses a dependency on a resource that does not exist, and
            // drops edges to a deleted resource, whatever a buggy or racing writer does.
            dependency.HasOne<ResourceRecord>().WithMany().HasForeignKey(d => d.DependsOnId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
