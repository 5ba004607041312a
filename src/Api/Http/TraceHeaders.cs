using System.Diagnostics;

namespace CrudCqrs.Api.Http;

/// <summary>The request's trace id as <see cref="TraceHeadersMiddleware"/> recorded it, for answers that quote it.</summary>
public static class TraceHeaders
{
    /// <summary>Where the middleware leaves the request's activity in <see cref="HttpContext.Items"/>.</summary>
    internal const string RequestActivityItemKey = "CrudCqrs.RequestActivity";

    public static string? TraceId(HttpContext context) =>
        context.Items.TryGetValue(RequestActivityItemKey, out var value) && value is Activity activity
            ? activity.TraceId.ToHexString()
            : null;
}
