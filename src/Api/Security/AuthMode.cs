namespace CrudCqrs.Api.Security;

public enum AuthMode
{
    /// <summary>Anyone who reaches the port may call every endpoint.</summary>
    None,

    /// <summary>Bearer tokens (JWT) with scopes.</summary>
    Jwt,
}
