namespace CrudCqrs.Application.Abstractions;

/// <summary>
/// Who is calling, as the host authenticated them. The pipeline records the subject on the
/// operation span and log lines; it never decides access (the host's authorization does).
/// </summary>
public interface ICurrentCaller
{
    /// <summary>The authenticated caller's subject (<c>sub</c>), or <c>null</c> when anonymous.</summary>
    string? Subject { get; }
}
