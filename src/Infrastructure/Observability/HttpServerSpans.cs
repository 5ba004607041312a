using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Completes ASP.NET Core's own request span. With its OpenTelemetry data switched on, ASP.NET
/// Core 10 names the span's request attributes when it starts it, but leaves the answer's (route,
/// status code, error type, the span's name) to an instrumentation library, and the library's
/// diagnostic listener puts hosting and MVC on their event-raising paths for every request; these
/// few lines are the cheaper rest. .NET 11's hosting sets them itself: drop this then
/// (<c>PipelinePropertyTests</c> and <c>OtlpExportTests</c> check the attributes either way).
/// Probes, scrapes and the API's documentation are not traced.
/// </summary>
internal static class HttpServerSpans
{
    public const string SourceName = "Microsoft.AspNetCore";

    public static async Task CompleteAsync(HttpContext context, RequestDelegate next)
    {
        var activity = Activity.Current;
        if (activity is null || activity.Source.Name != SourceName || !activity.IsAllDataRequested)
        {
            await next(context);
            return;
        }
        if (IsInfrastructurePath(context.Request.Path))
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            await next(context);
            return;
        }
        // Matched before the pipeline runs (routing comes first); the exception handler clears it.
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error);
            throw;
        }
        finally
        {
            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (status >= 500)
            {
                activity.SetTag("error.type", activity.GetTagItem("error.type") ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                activity.SetStatus(ActivityStatusCode.Error);
            }
            if (route is not null)
            {
                activity.SetTag("http.route", route);
                activity.DisplayName = context.Request.Method + " " + route;
            }
            else
            {
                activity.DisplayName = context.Request.Method;
            }
        }
    }

    private static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/swagger");
}
