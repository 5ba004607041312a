using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CrudCqrs.Api.Http;

/// <summary>
/// Binds an integer query parameter from decimal digits with an optional leading '-' and nothing
/// else. The framework's converter would also take "0x10" and "&amp;h10" as 16, "#10" as 16, and
/// surrounding spaces or a '+': values the OpenAPI document's <c>integer</c> does not allow and
/// that a client only sends by mistake. Anything else is the usual binding error (422 naming the
/// parameter); a parameter that is absent keeps its default.
/// </summary>
public sealed class PlainIntegerBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var name = bindingContext.ModelName;
        var values = bindingContext.ValueProvider.GetValue(name);
        if (values == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }
        bindingContext.ModelState.SetModelValue(name, values);
        var text = values.FirstValue ?? "";
        if (IsPlainDecimal(text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            bindingContext.Result = ModelBindingResult.Success(value);
            return Task.CompletedTask;
        }
        var metadata = bindingContext.ModelMetadata;
        bindingContext.ModelState.TryAddModelError(name,
            metadata.ModelBindingMessageProvider.AttemptedValueIsInvalidAccessor(text, metadata.DisplayName ?? metadata.Name ?? name));
        bindingContext.Result = ModelBindingResult.Failed();
        return Task.CompletedTask;
    }

    private static bool IsPlainDecimal(string text)
    {
        var digits = text.StartsWith('-') ? text.AsSpan(1) : text.AsSpan();
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }
}

/// <summary>
/// Puts <see cref="PlainIntegerBinder"/> in front of the framework's for <c>int</c> query
/// parameters (not <c>int?</c>, where an empty value would mean null), unless a parameter names
/// its own binder.
/// </summary>
public sealed class PlainIntegerBinderProvider : IModelBinderProvider
{
    private static readonly PlainIntegerBinder Binder = new();

    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.ModelType == typeof(int) && context.BindingInfo.BindingSource == BindingSource.Query && context.BindingInfo.BinderType is null
            ? Binder
            : null;
}
