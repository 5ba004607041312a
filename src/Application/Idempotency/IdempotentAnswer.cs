namespace CrudCqrs.Application.Idempotency;

/// <summary>The HTTP answer a keyed request got, stored so that a repeat receives it again unchanged.</summary>
public sealed record IdempotentAnswer(int Status, string? Body, string? Location, string? ETag);
