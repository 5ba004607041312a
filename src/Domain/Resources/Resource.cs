namespace CrudCqrs.Domain.Resources;

/// <summary>
/// A named node in the dependency graph. Immutable: every change produces a new instance with
/// a higher <see cref="Version"/>, which is what ETags and optimistic checks compare.
/// </summary>
public sealed record Resource
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 500;

    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required IReadOnlyList<Guid> Dependencies { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required long Version { get; init; }

    public static Resource Create(Guid id, string name, string? description, IReadOnlyList<Guid> dependencies, DateTimeOffset now)
    {
        var timestamp = Timestamps.Normalize(now);
        var resource = new Resource
        {
            Id = id,
            Name = NormalizeName(name),
            Description = NormalizeDescription(description),
            Dependencies = dependencies.ToArray(),
            CreatedAt = timestamp,
            UpdatedAt = timestamp,
            Version = 1,
        };
        resource.EnsureNoSelfOrDuplicateDependency();
        return resource;
    }

    /// <summary>Partial update: a null argument keeps the current value.</summary>
    public Resource Update(string? name, string? description, IReadOnlyList<Guid>? dependencies, DateTimeOffset now)
    {
        var updated = this with
        {
            Name = name is null ? Name : NormalizeName(name),
            Description = description is null ? Description : NormalizeDescription(description),
            Dependencies = dependencies?.ToArray() ?? Dependencies,
            UpdatedAt = NextTimestamp(now),
            Version = Version + 1,
        };
        updated.EnsureNoSelfOrDuplicateDependency();
        return updated;
    }

    /// <summary>Whether <paramref name="other"/> holds the same name, description and dependency list (in the same order), whatever its version.</summary>
    public bool HasSameContentAs(Resource other) =>
        Id == other.Id && Name == other.Name && Description == other.Description && Dependencies.SequenceEqual(other.Dependencies);

    /// <summary>The resource after the dependencies in <paramref name="removed"/> were deleted.</summary>
    public Resource WithoutDependencies(IReadOnlySet<Guid> removed, DateTimeOffset now) => this with
    {
        Dependencies = Dependencies.Where(d => !removed.Contains(d)).ToArray(),
        UpdatedAt = NextTimestamp(now),
        Version = Version + 1,
    };

    public string ETag => $"\"{Version}\"";

    // updatedAt must move on every successful update, even when two land in the same millisecond.
    private DateTimeOffset NextTimestamp(DateTimeOffset now)
    {
        var candidate = Timestamps.Normalize(now);
        return candidate > UpdatedAt ? candidate : UpdatedAt.AddMilliseconds(1);
    }

    private static string NormalizeName(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > NameMaxLength)
        {
            throw new ArgumentException($"A name must have 1 to {NameMaxLength} characters after trimming.", nameof(name));
        }
        return trimmed;
    }

    private static string? NormalizeDescription(string? description)
    {
        var trimmed = description?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }
        if (trimmed.Length > DescriptionMaxLength)
        {
            throw new ArgumentException($"A description must have at most {DescriptionMaxLength} characters.", nameof(description));
        }
        return trimmed;
    }

    private void EnsureNoSelfOrDuplicateDependency()
    {
        if (Dependencies.Contains(Id))
        {
            throw new ArgumentException("A resource cannot depend on itself.", nameof(Dependencies));
        }
        if (Dependencies.Distinct().Count() != Dependencies.Count)
        {
            throw new ArgumentException("Dependencies must not repeat.", nameof(Dependencies));
        }
    }

    public bool Equals(Resource? other) =>
        other is not null && Id == other.Id && Version == other.Version && Name == other.Name &&
        Description == other.Description && CreatedAt == other.CreatedAt && UpdatedAt == other.UpdatedAt &&
        Dependencies.SequenceEqual(other.Dependencies);

    public override int GetHashCode() => HashCode.Combine(Id, Version);
}
