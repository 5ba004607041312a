namespace CrudCqrs.Application.Abstractions;

/// <summary>The caller when the host authenticates nobody (tools, benchmarks, tests without a host).</summary>
public sealed class AnonymousCaller : ICurrentCaller
{
    public static readonly AnonymousCaller Instance = new();

    public string? Subject => null;
}
