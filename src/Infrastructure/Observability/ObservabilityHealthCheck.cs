using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// The <c>observability</c> readiness check: Degraded while a setting could not be used or while
/// exports fail (with the reason and the UTC time of the first failure of the streak), Healthy
/// again after the next successful export. Never Unhealthy: telemetry cannot take the service down.
/// </summary>
internal sealed class ObservabilityHealthCheck(ObservabilitySettings settings, OtlpExportFailures? exports) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var data = new Dictionary<string, object>();
        if (settings.Problems.Count > 0)
        {
            problems.Add("telemetry is degraded: " + string.Join(" ", settings.Problems));
        }
        if (exports?.CurrentStreak is { } streak)
        {
            var since = streak.Since.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            problems.Add($"OTLP export to {streak.Endpoints} failing for {string.Join(", ", streak.Signals)} since {since}: {streak.Reason}. Telemetry is dropped; requests are unaffected.");
            data["failing_since"] = streak.Since.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            data["failing_signals"] = string.Join(",", streak.Signals);
        }
        var result = problems.Count > 0
            ? HealthCheckResult.Degraded(string.Join(" ", problems), data: data)
            : HealthCheckResult.Healthy(settings.Enabled ? "telemetry is exported" : "telemetry is disabled");
        return Task.FromResult(result);
    }
}
