namespace CrudCqrs.Api.OpenApi;

/// <summary>Documents a header an action sets on one of its answers, beside the code that sets it.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ResponseHeaderAttribute(int status, string name, string description) : Attribute
{
    public int Status { get; } = status;

    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>Whether every answer with <see cref="Status"/> carries it, or only some (a full page, say).</summary>
    public bool Always { get; init; } = true;

    /// <summary>The header value's schema type: <c>string</c> or <c>integer</c>.</summary>
    public string Type { get; init; } = "string";
}
