namespace CrudCqrs.Api.Controllers;

/// <summary>
/// Binds the route id exactly as sent: MVC would turn a blank one into null, and the 404 must name
/// what the client asked for.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class RawIdAttribute : System.ComponentModel.DataAnnotations.DisplayFormatAttribute
{
    public RawIdAttribute() => ConvertEmptyStringToNull = false;
}
