namespace CrudCqrs.Application.Diagnostics;

/// <summary>Names a message's operation for spans, metrics and logs.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OperationAttribute(string name, string type) : Attribute
{
    /// <summary>The operation span's name, e.g. <c>create_resource</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The <c>operation.type</c> attribute, e.g. <c>create</c>.</summary>
    public string Type { get; } = type;
}
