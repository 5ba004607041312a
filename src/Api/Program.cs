using CrudCqrs.Api;
using CrudCqrs.Api.Security;
using CrudCqrs.Application;
using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Infrastructure;
using CrudCqrs.Infrastructure.Observability;
using CrudCqrs.Infrastructure.Persistence;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Choose(args) });
try
{
    builder.AddObservability();
    builder.Services.AddApplication();
    builder.AddInfrastructure();
    builder.AddApiSecurity();
}
catch (Exception exception) when (exception is DatabaseConfigurationException or SecurityConfigurationException)
{
    // A database or auth setting that cannot work stops the start with one line naming the key.
    await Console.Error.WriteLineAsync("crudcqrs: " + exception.Message);
    return 2;
}
builder.AddApi();
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(15));
builder.Services.AddMediator(options =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.Assemblies = [typeof(CreateResourceCommand)];
    // First is outermost. Tracing opens the operation span, so every rejection below has one and
    // every log line inside carries its trace id; Metrics sits outside Validation so rejected
    // requests count toward error rates; Logging records start, outcome and duration; Idempotency
    // looks a write's key up inside all three, and before Validation, so a repeat gets the answer
    // its first request got even if the rules changed since (ADR 010); Validation is innermost so
    // invalid input never reaches a handler or a write.
    options.PipelineBehaviors =
    [
        typeof(TracingBehavior<,>),
        typeof(MetricsBehavior<,>),
        typeof(LoggingBehavior<,>),
        typeof(IdempotencyBehavior<,>),
        typeof(ValidationBehavior<,>),
    ];
});

var app = builder.Build();
try
{
    await app.Services.InitializeDatabaseAsync();
}
catch (DatabaseConfigurationException exception)
{
    await Console.Error.WriteLineAsync("crudcqrs: " + exception.Message);
    return 2;
}
app.UseObservability();
app.UseApi();

// On SIGTERM/Ctrl+C: Kestrel stops accepting, in-flight requests finish (bounded by
// ShutdownTimeout), then disposing the host flushes traces, metrics and logs, and NLog, disposed
// last, writes out its queue.
await app.RunAsync();
return 0;

/// <summary>Entry point; public so that functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
