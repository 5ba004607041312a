using CrudCqrs.Api;
using CrudCqrs.Application;
using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Infrastructure;
using CrudCqrs.Infrastructure.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddApplication();
builder.AddInfrastructure();
builder.AddApi();
builder.Services.AddMediator(options =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.Assemblies = [typeof(CreateResourceCommand)];
    // First is outermost. Tracing opens the operation span, so every rejection below has one and
    // every log line inside carries its trace id; Metrics sits outside Validation so rejected
    // requests count toward error rates; Logging records start, outcome and duration; Validation
    // is innermost so invalid input never reaches a handler or the store.
    options.PipelineBehaviors =
    [
        typeof(TracingBehavior<,>),
        typeof(MetricsBehavior<,>),
        typeof(LoggingBehavior<,>),
        typeof(ValidationBehavior<,>),
    ];
});

var app = builder.Build();
await app.Services.InitializeDatabaseAsync();
app.UseApi();
await app.RunAsync();

/// <summary>Entry point; public so that functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
