using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// The JWT host started as <c>Production</c> (what an attacker meets), with every log line at
/// Warning and above also kept in <see cref="Logs"/>, and a count of the requests that reached
/// the server (so a test can tell a request the client refused to send from one the server
/// failed). The rate limiter stays off as in every suite: a 429 would hide what the input does.
/// </summary>
public sealed class ProductionJwtApiFactory : JwtApiFactory
{
    private int _requestsArrived;

    public CapturedLogs Logs { get; } = new();

    public int RequestsArrived => Volatile.Read(ref _requestsArrived);

    protected override void Configure(IWebHostBuilder builder)
    {
        base.Configure(builder);
        builder.UseEnvironment("Production");
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            services.AddSingleton<IStartupFilter>(new ArrivalCounter(this));
        });
    }

    private sealed class ArrivalCounter(ProductionJwtApiFactory owner) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                Interlocked.Increment(ref owner._requestsArrived);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
