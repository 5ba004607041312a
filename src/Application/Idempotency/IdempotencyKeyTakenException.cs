namespace CrudCqrs.Application.Idempotency;

/// <summary>
/// Another request (another instance, or one that finished meanwhile) committed the same key
/// first; this write was rolled back, and the caller answers from the stored record instead.
/// </summary>
public sealed class IdempotencyKeyTakenException(string key)
    : Exception($"The idempotency key '{key}' was recorded by another request.");
