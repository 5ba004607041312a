namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// What an operation line says the operation was on: a resource id, an id that did not parse
/// (never repeated whole: it is whatever the client put in the URL), or nothing (list, search,
/// a create refused before it had an id).
/// </summary>
internal sealed record OperationSubject(string? ResourceId, string Phrase, string TemplatePhrase)
{
    public static readonly OperationSubject None = new(null, "", "");

    public static readonly OperationSubject UnparsableId = new(null, " on an unparsable id", " on an unparsable id");

    public static OperationSubject For(string? resourceId) =>
        resourceId is null ? None : new(resourceId, " on " + resourceId, " on {resource.id}");
}
