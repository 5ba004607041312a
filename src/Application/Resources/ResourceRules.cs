using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using FluentValidation;

namespace CrudCqrs.Application.Resources;

/// <summary>Field rules shared by create and update, phrased for clients (camelCase field names).</summary>
public static class ResourceRules
{
    /// <summary>More would make every write slow and is not a graph anyone draws by hand.</summary>
    public const int MaxDependencies = 1000;

    /// <summary>The name's rules, the first broken one reported (a blank of tabs is blank, not also a control character).</summary>
    public static IRuleBuilderOptions<T, string?> ValidName<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop).Must(name => name is not null && name.Trim().Length is > 0 and <= Resource.NameMaxLength)
            .WithMessage($"'name' must have 1 to {Resource.NameMaxLength} characters after trimming.")
            .Must(name => !TextRules.ShowsNothing(name!))
            .WithMessage("'name' must have a character that shows: not only spaces, zero-width or other invisible characters.")
            .Must(name => !TextRules.HasControlCharacter(name))
            .WithMessage("'name' must not contain control characters (U+0000-U+001F, U+007F-U+009F), tabs and line breaks included.")
            .Must(name => !TextRules.HasBidiControl(name))
            .WithMessage("'name' must not contain bidirectional embeddings, overrides or isolates (U+202A-U+202E, U+2066-U+2069).")
            .Must(name => !TextRules.HasLoneSurrogate(name))
            .WithMessage("'name' must not contain unpaired surrogates.");

    public static IRuleBuilderOptions<T, string?> ValidDescription<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop).Must(description => description is null || description.Trim().Length <= Resource.DescriptionMaxLength)
            .WithMessage($"'description' must have at most {Resource.DescriptionMaxLength} characters after trimming.")
            .ValidFreeText("description");

    /// <summary>Text a person writes in a field or a search box: tabs and line breaks allowed, other control characters not.</summary>
    public static IRuleBuilderOptions<T, string?> ValidFreeText<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(text => !TextRules.HasControlCharacterBesidesLineBreaks(text))
            .WithMessage($"'{field}' must not contain control characters (U+0000-U+001F, U+007F-U+009F) other than tab, CR and LF.")
            .Must(text => !TextRules.HasLoneSurrogate(text))
            .WithMessage($"'{field}' must not contain unpaired surrogates.");

    public static void AddDependencyRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<string?>?> dependencies, Func<T, string?>? selfId = null)
    {
        validator.RuleFor(x => dependencies(x))
            .Must(list => list is null || list.Count <= MaxDependencies)
            .OverridePropertyName("dependencies")
            .WithMessage($"A resource can have at most {MaxDependencies} dependencies.");

        validator.RuleFor(x => dependencies(x))
            .Custom((list, context) =>
            {
                if (list is null || list.Count > MaxDependencies)
                {
                    return;
                }
                var seen = new HashSet<Guid>();
                var self = selfId?.Invoke((T)context.InstanceToValidate);
                for (var i = 0; i < list.Count; i++)
                {
                    var field = $"dependencies[{i}]";
                    if (!ResourceIds.TryParse(list[i], out var id))
                    {
                        context.AddFailure(field, $"'{Shorten(list[i])}' is not a resource id (a lowercase GUID).");
                    }
                    else if (!seen.Add(id))
                    {
                        context.AddFailure(field, $"'{id}' is listed more than once.");
                    }
                    else if (self is not null && ResourceIds.TryParse(self, out var selfGuid) && selfGuid == id)
                    {
                        context.AddFailure(field, "A resource cannot depend on itself.");
                    }
                }
            });
    }

    /// <summary>Throws <see cref="UnknownDependenciesException"/> naming the positions of ids that do not exist.</summary>
    public static async Task EnsureDependenciesExistAsync(IResourceRepository repository, IReadOnlyList<Guid> dependencies, CancellationToken cancellationToken)
    {
        if (dependencies.Count == 0)
        {
            return;
        }
        var existing = await repository.FindExistingAsync(dependencies, cancellationToken);
        if (existing.Count == dependencies.Count)
        {
            return;
        }
        var unknown = new Dictionary<int, Guid>();
        for (var i = 0; i < dependencies.Count; i++)
        {
            if (!existing.Contains(dependencies[i]))
            {
                unknown[i] = dependencies[i];
            }
        }
        throw new UnknownDependenciesException(unknown);
    }

    /// <summary>Inside a write transaction: the current resource, checked against the client's <c>If-Match</c>.</summary>
    public static async Task<Resource> FindForWriteAsync(IResourceRepository repository, Guid id, string? ifMatch, CancellationToken cancellationToken)
    {
        var current = await repository.FindAsync(id, cancellationToken) ?? throw new ResourceNotFoundException(id);
        ETagPrecondition.Ensure(ifMatch, current);
        return current;
    }

    public static Guid[] ParseIds(IReadOnlyList<string?> ids)
    {
        var parsed = new Guid[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            parsed[i] = Guid.ParseExact(ids[i]!, "D");
        }
        return parsed;
    }

    private static string? Shorten(string? text) => text is { Length: > 64 } ? text[..64] + "…" : text;
}
