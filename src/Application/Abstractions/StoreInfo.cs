namespace CrudCqrs.Application.Abstractions;

/// <summary>Which store is configured, for telemetry (<c>db.type</c>).</summary>
public sealed record StoreInfo(string Type);
