namespace CrudCqrs.Api.Security;

/// <summary>An <c>Auth__*</c> or <c>RateLimit__*</c> setting that cannot work: the start stops with its one-line message.</summary>
public sealed class SecurityConfigurationException(string message) : Exception(message);
