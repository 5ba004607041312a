using System.Reflection;

namespace CrudCqrs.Application.Diagnostics;

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
