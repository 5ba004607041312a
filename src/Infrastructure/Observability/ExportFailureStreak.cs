namespace CrudCqrs.Infrastructure.Observability;

/// <summary>Exports failing since <paramref name="Since"/> (UTC, the first failure of the streak) to <paramref name="Endpoints"/>.</summary>
public sealed record ExportFailureStreak(string Endpoints, IReadOnlyList<string> Signals, DateTime Since, string Reason);
