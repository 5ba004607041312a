using CrudCqrs.Api.Http;
using CrudCqrs.Api.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrudCqrs.Api;

internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Unhealthy)
        {
            context.Response.Headers.RetryAfter = ApiExceptionHandler.RetryAfterSeconds.ToString();
        }
        if (!CallerVisibility.MaySeeDetails(context))
        {
            // Probes need the status code only; check texts can name paths and settings.
            return context.Response.WriteAsJsonAsync(new { status = report.Status.ToString() });
        }
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        });
    }
}
