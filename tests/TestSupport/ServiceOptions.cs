namespace CrudCqrs.TestSupport;

/// <summary>How to start the service for one test.</summary>
public sealed record ServiceOptions
{
    /// <summary>
    /// Settings as environment variables (<c>Database__TimeoutSeconds</c>, ...), over the defaults
    /// <see cref="ServiceProcess"/> gives; a null value removes a default or an inherited variable.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra command-line arguments after the assembly.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The SQLite file; by default <c>crudcqrs.db</c> in the process's own temp directory.</summary>
    public string? DatabasePath { get; init; }

    /// <summary>The host environment; Production, as operators run it, unless a test needs another.</summary>
    public string Environment { get; init; } = "Production";

    public Readiness WaitFor { get; init; } = Readiness.Ready;

    /// <summary>How long the start may take; generous, since the suites share a loaded machine.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
