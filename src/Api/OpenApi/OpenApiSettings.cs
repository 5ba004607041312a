using CrudCqrs.Api.Security;

namespace CrudCqrs.Api.OpenApi;

/// <summary>
/// <c>OpenApi__Enabled</c>: whether <c>/swagger</c> (Swagger UI and the OpenAPI document) is
/// served. On in Development; elsewhere off unless asked for, since the document tells a stranger
/// every operation and the UI is a tool for people, not for production traffic.
/// </summary>
public sealed record OpenApiSettings(bool Enabled)
{
    public static OpenApiSettings Read(IConfiguration configuration, IHostEnvironment environment) =>
        new(AuthSettings.ReadBool(configuration["OpenApi:Enabled"], "OpenApi__Enabled", environment.IsDevelopment()));
}
