namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// What user data the pipeline may copy into telemetry. Search text can hold names and other
/// personal data, so by default only its length and whether it was blank are recorded
/// (<c>Observability__RecordSearchText=true</c> records the text itself).
/// </summary>
public sealed record TelemetryPrivacy(bool RecordSearchText)
{
    public static readonly TelemetryPrivacy Default = new(RecordSearchText: false);
}
