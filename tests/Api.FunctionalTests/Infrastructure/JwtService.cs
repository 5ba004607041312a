using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>The in-memory host with <c>Auth__Mode=Jwt</c> and the test signing key; requests may pose as remote callers.</summary>
public sealed class JwtService() : InMemoryService(TestTokens.HostSettings, RemoteAddressFilter.Register);
