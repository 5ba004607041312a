using CrudCqrs.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// The JWT host started as <c>Production</c> (what an attacker meets), with every log line at
/// Warning and above also kept in <see cref="ServerLogs"/>. The rate limiter stays off as in
/// every suite: a 429 would hide what the input does.
/// </summary>
public sealed class ProductionJwtService : InMemoryService
{
    public ProductionJwtService()
        : this(new CapturedLogs())
    {
    }

    private ProductionJwtService(CapturedLogs logs)
        : base(
            new Dictionary<string, string?>(TestTokens.HostSettings) { [WebHostDefaults.EnvironmentKey] = Environments.Production },
            services =>
            {
                RemoteAddressFilter.Register(services);
                services.AddSingleton<ILoggerProvider>(logs);
            }) =>
        ServerLogs = logs;

    public CapturedLogs ServerLogs { get; }
}
