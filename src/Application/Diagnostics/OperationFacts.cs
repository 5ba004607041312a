using System.Diagnostics;

namespace CrudCqrs.Application.Diagnostics;

/// <summary>The one way handlers add telemetry facts: cheap no-ops when no operation is being observed.</summary>
public static class OperationFacts
{
    public static void SetResourceId(Guid id)
    {
        if (OperationScope.Current is { } scope)
        {
            scope.ResourceId = id;
            scope.ResourceIdText = id.ToString();
            scope.Activity?.SetTag("resource.id", scope.ResourceIdText);
        }
    }

    public static void SetCreated(Guid id)
    {
        SetResourceId(id);
        if (OperationScope.Current is { } scope)
        {
            scope.Created = true;
        }
    }

    public static void SetDeleted(int deletedCount, bool cascade)
    {
        if (OperationScope.Current is { } scope)
        {
            scope.DeletedCount = deletedCount;
            scope.Cascade = cascade;
            scope.Activity?.SetTag("resource.deleted_count", deletedCount);
        }
    }

    /// <summary>
    /// A keyed write's lookup outcome: <c>idempotency.replayed</c> on the operation span, true when
    /// the stored answer was given instead of running the write. Unkeyed operations carry no such tag.
    /// </summary>
    public static void SetIdempotencyOutcome(bool replayed)
    {
        if (OperationScope.Current is { } scope)
        {
            scope.Replayed = replayed;
            scope.Activity?.SetTag("idempotency.replayed", replayed);
        }
    }

    /// <summary>
    /// The whole path of a refused cycle, as a <c>cycle_detected</c> event on <paramref name="step"/>:
    /// the answer and the log keep only its ends. The path is an array of ids, not one string,
    /// because an attribute value length limit (<c>OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT</c>) cuts each
    /// string of an array on its own, and no id is longer than 36 characters.
    /// </summary>
    public static void RecordCycle(Activity? step, IReadOnlyList<Guid> cycle)
    {
        if (step is null || !step.IsAllDataRequested)
        {
            return;
        }
        var path = new string[cycle.Count];
        for (var i = 0; i < path.Length; i++)
        {
            path[i] = cycle[i].ToString();
        }
        step.AddEvent(new ActivityEvent("cycle_detected", tags: new ActivityTagsCollection
        {
            ["cycle.length"] = cycle.Count - 1,
            ["cycle.path"] = path,
        }));
    }

    /// <summary>A child span of the operation (validation, cycle check); null when not recorded. Database work below it has the driver's client spans.</summary>
    public static Activity? StartStep(string name) =>
        OperationScope.Current?.Telemetry.ActivitySource.StartActivity(name, ActivityKind.Internal);
}
