using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// With <c>Observability__LogsFollowSampling=true</c>, OTLP log records follow the trace sampling
/// decision: a line written inside a request whose trace is not sampled goes to stdout only, so at
/// 10 % sampling the OTLP log path costs a tenth as much. Warnings, errors and lines outside any
/// request are always exported. Wraps the SDK's logger provider (the SDK has no log sampler; by
/// default, as the SDK does, every line is exported).
/// </summary>
[ProviderAlias("OpenTelemetry")]
internal sealed class SampledLogExport(ILoggerProvider sdkProvider) : ILoggerProvider, ISupportExternalScope
{
    /// <summary>Wraps the SDK's registration; false when the SDK registered its provider in a way this no longer recognises.</summary>
    public static bool Install(IServiceCollection services)
    {
        var sdk = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerProvider)
            && d.ImplementationFactory?.Method.ReturnType.FullName == "OpenTelemetry.Logs.OpenTelemetryLoggerProvider");
        if (sdk?.ImplementationFactory is not { } create)
        {
            return false;
        }
        services[services.IndexOf(sdk)] = ServiceDescriptor.Singleton<ILoggerProvider>(provider => new SampledLogExport((ILoggerProvider)create(provider)));
        return true;
    }

    public ILogger CreateLogger(string categoryName) => new SampledLogger(sdkProvider.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (sdkProvider as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

    public void Dispose() => sdkProvider.Dispose();

    private sealed class SampledLogger(ILogger sdkLogger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => sdkLogger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) =>
            (logLevel >= LogLevel.Warning || Activity.Current is not { } activity || activity.Recorded) && sdkLogger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sdkLogger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
