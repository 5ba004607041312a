using System.Collections.Concurrent;

namespace CrudCqrs.Api.Idempotency;

/// <summary>
/// The idempotency keys whose first request is still running in this process: a repeat meanwhile
/// is 409 rather than a second write. Across processes the store's unique key decides instead.
/// </summary>
public sealed class IdempotencyInFlight
{
    private readonly ConcurrentDictionary<(string Scope, string Key), byte> _running = new();

    public bool TryBegin(string scope, string key) => _running.TryAdd((scope, key), 0);

    public void End(string scope, string key) => _running.TryRemove((scope, key), out _);
}
