namespace CrudCqrs.TestSupport;

/// <summary>What <see cref="ServiceProcess.StartAsync(ServiceOptions?)"/> waits for before it returns.</summary>
public enum Readiness
{
    /// <summary>Nothing: for tests of a start that must fail.</summary>
    None,

    /// <summary><c>/health/live</c> answers: Kestrel listens.</summary>
    Live,

    /// <summary><c>/health/ready</c> answers 200: the store is migrated and reachable.</summary>
    Ready,
}
