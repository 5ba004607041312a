using System.Diagnostics;

namespace CrudCqrs.Api.Http;

/// <summary>
/// Gives every response <c>X-Trace-Id</c> and <c>traceresponse</c>. When no telemetry listener
/// made ASP.NET Core start a request activity (observability off), starts a plain one so the
/// request still has W3C ids and still joins an incoming <c>traceparent</c>.
/// </summary>
public sealed class TraceHeadersMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        Activity? own = null;
        var activity = Activity.Current;
        if (activity is null)
        {
            own = new Activity("CrudCqrs.HttpRequest");
            own.SetIdFormat(ActivityIdFormat.W3C);
            if (context.Request.Headers.TraceParent is { Count: > 0 } traceParent &&
                ActivityContext.TryParse(traceParent.ToString(), context.Request.Headers.TraceState.ToString(), out var parent))
            {
                own.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            }
            activity = own.Start();
        }
        context.Items[TraceHeaders.RequestActivityItemKey] = activity;
        context.Response.OnStarting(static state =>
        {
            var (httpContext, requestActivity) = ((HttpContext, Activity))state;
            var traceId = requestActivity.TraceId.ToHexString();
            var flags = requestActivity.Recorded ? "01" : "00";
            httpContext.Response.Headers["X-Trace-Id"] = traceId;
            httpContext.Response.Headers["traceresponse"] = $"00-{traceId}-{requestActivity.SpanId.ToHexString()}-{flags}";
            return Task.CompletedTask;
        }, (context, activity));

        try
        {
            await next(context);
        }
        finally
        {
            own?.Stop();
        }
    }
}
