using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>Tokens on and tight write limits (2/s, burst 4): a client is its token's subject.</summary>
public sealed class LimitedJwtService() : InMemoryService(
    new Dictionary<string, string?>(TestTokens.HostSettings)
    {
        ["RateLimit:Enabled"] = "true",
        ["RateLimit:WritesPerSecond"] = "2",
    },
    RemoteAddressFilter.Register);
