using Microsoft.EntityFrameworkCore;

namespace CrudCqrs.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The store's schema as EF Core models it: migrations are generated from this model and applied at
/// start (<see cref="DatabaseInitializer"/>). Requests never run through it: see <see cref="SqliteSession"/>.
/// </summary>
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
