using System.Reflection;
using CrudCqrs.Application.Resources;

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

/// <summary>The operation of a message type, looked up once per type and then read from a static field.</summary>
public static class Operation<TMessage>
{
    public static readonly OperationAttribute Descriptor =
        typeof(TMessage).GetCustomAttribute<OperationAttribute>()
        ?? new OperationAttribute(ToSnakeCase(typeof(TMessage).Name), "other");

    private static string ToSnakeCase(string name)
    {
        foreach (var suffix in new[] { "Command", "Query" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }
}

/// <summary>The <c>error.type</c> categories; <see cref="Errors.ErrorKinds"/> says which failure has which.</summary>
public static class ErrorTypes
{
    public const string Validation = "validation";
    public const string NotFound = "not_found";
    public const string CircularDependency = "circular_dependency";
    public const string PreconditionFailed = "precondition_failed";
    public const string DatabaseUnavailable = "database_unavailable";
    public const string Cancelled = "cancelled";
    public const string Internal = "internal";

    public static string Of(Exception exception) => Errors.ErrorKinds.Of(exception).ErrorType;

    /// <summary>Failures the client caused: refusals, logged as outcomes, not errors.</summary>
    public static bool IsClientError(string errorType) => Errors.ErrorKinds.ForErrorType(errorType).IsClientError;
}
