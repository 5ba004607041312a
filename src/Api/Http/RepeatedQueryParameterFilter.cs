using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CrudCqrs.Api.Http;

/// <summary>
/// Refuses a query parameter of the action that is given more than once (<c>cascade=false&amp;cascade=true</c>):
/// the framework would take the first value while a proxy or a log reader may take the last, and
/// for <c>cascade</c> the two readings delete different things. The request becomes the usual
/// 422 naming the parameter, before anything runs.
/// </summary>
public sealed class RepeatedQueryParameterFilter : IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var query = context.HttpContext.Request.Query;
        if (query.Count == 0)
        {
            return;
        }
        var repeated = false;
        foreach (var parameter in context.ActionDescriptor.Parameters)
        {
            if (parameter.BindingInfo?.BindingSource != BindingSource.Query)
            {
                continue;
            }
            var name = parameter.BindingInfo.BinderModelName ?? parameter.Name;
            if (query.TryGetValue(name, out var values) && values.Count > 1)
            {
                context.ModelState.TryAddModelError(name, $"'{name}' is given {values.Count} times; give it once.");
                repeated = true;
            }
        }
        if (repeated)
        {
            // Before the idempotency filter and binding: an ambiguous request reserves no key.
            context.Result = InvalidRequestResponse.Create(context);
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
