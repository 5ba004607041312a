namespace CrudCqrs.Infrastructure.Persistence;

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels that the <c>Database__Synchronous</c> setting accepts.</summary>
public enum SqliteSynchronous
{
    Off,
    Normal,
    Full,
}
