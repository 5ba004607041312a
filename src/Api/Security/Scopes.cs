namespace CrudCqrs.Api.Security;

/// <summary>The scopes a token carries, and the authorization policies named after them.</summary>
public static class Scopes
{
    public const string Read = "resources:read";
    public const string Write = "resources:write";
}
