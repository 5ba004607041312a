namespace CrudCqrs.Api.Security;

/// <summary>The scopes a token carries, and the authorization policies named after them.</summary>
public static class Scopes
{
    public const string Read = "resources:read";
    public const string Write = "resources:write";

    /// <summary>
    /// The scopes each policy needs. A write needs read too: its answer carries the resource, and
    /// its 404, 412 and 422 tell which ids exist and what they hold, so a write-only token could
    /// read the store through writes.
    /// </summary>
    public static IReadOnlyList<string> RequiredBy(string policy) => policy switch
    {
        Write => [Write, Read],
        _ => [policy],
    };
}
