using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace CrudCqrs.Api.Security;

/// <summary>
/// With <c>Auth__Mode=None</c>, removes the scope requirements from the actions' endpoints, so the
/// authorization middleware passes every request straight through instead of evaluating a
/// policy that allows everything.
/// </summary>
internal sealed class OpenModeEndpoints : IActionModelConvention
{
    public void Apply(ActionModel action)
    {
        foreach (var selector in action.Selectors)
        {
            for (var i = selector.EndpointMetadata.Count - 1; i >= 0; i--)
            {
                if (selector.EndpointMetadata[i] is IAuthorizeData)
                {
                    selector.EndpointMetadata.RemoveAt(i);
                }
            }
        }
    }
}
