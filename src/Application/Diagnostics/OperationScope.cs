using System.Diagnostics;

namespace CrudCqrs.Application.Diagnostics;

/// <summary>
/// What one operation has learned about itself so far. The outermost behavior opens it; handlers
/// add the facts only they know through <see cref="OperationFacts"/>; the behaviors read it back
/// when the operation ends.
/// </summary>
public sealed class OperationScope
{
    private static readonly AsyncLocal<OperationScope?> CurrentScope = new();

    private OperationScope(OperationAttribute operation, CrudTelemetry telemetry, Activity? activity)
    {
        Operation = operation;
        Telemetry = telemetry;
        Activity = activity;
    }

    public static OperationScope? Current => CurrentScope.Value;

    public OperationAttribute Operation { get; }
    public CrudTelemetry Telemetry { get; }

    /// <summary>The operation span; null when nobody listens or the trace is not sampled.</summary>
    public Activity? Activity { get; }

    public Guid? ResourceId { get; internal set; }

    /// <summary><see cref="ResourceId"/> as text, formatted once for the span tag and the log line.</summary>
    public string? ResourceIdText { get; internal set; }
    public int? DeletedCount { get; internal set; }
    public bool Cascade { get; internal set; }
    public bool Created { get; internal set; }

    /// <summary>True when the operation answered a repeated <c>Idempotency-Key</c> from the stored record instead of running.</summary>
    public bool Replayed { get; internal set; }

    /// <summary>Opens a scope for the rest of the current async flow; the caller's flow is unaffected.</summary>
    public static OperationScope Begin(OperationAttribute operation, CrudTelemetry telemetry, Activity? activity)
    {
        var scope = new OperationScope(operation, telemetry, activity);
        CurrentScope.Value = scope;
        return scope;
    }
}
