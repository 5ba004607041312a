using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>Tight limits so a short burst crosses them: 2 writes/s (burst 4) and 5 reads/s (burst 10) per client.</summary>
public sealed class LimitedService() : InMemoryService(
    new Dictionary<string, string?>
    {
        ["RateLimit:Enabled"] = "true",
        ["RateLimit:WritesPerSecond"] = "2",
        ["RateLimit:ReadsPerSecond"] = "5",
    },
    RemoteAddressFilter.Register);
