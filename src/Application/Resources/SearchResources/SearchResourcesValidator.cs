using FluentValidation;

namespace CrudCqrs.Application.Resources.SearchResources;

public sealed class SearchResourcesValidator : AbstractValidator<SearchResourcesQuery>
{
    public const int MaxQueryLength = 200;

    public SearchResourcesValidator()
    {
        this.AddPagingRules(q => q.Offset, q => q.Limit);
        RuleFor(q => q.Text).Cascade(CascadeMode.Stop)
            .MaximumLength(MaxQueryLength).WithMessage($"'q' must have at most {MaxQueryLength} characters.")
            .ValidFreeText("q")
            .OverridePropertyName("q");
        RuleFor(q => q.Cursor).Must(cursor => cursor is null || PageCursor.DecodeSearch(cursor) is not null)
            .OverridePropertyName("cursor").WithMessage("'cursor' is not a search cursor this service issued (take it from X-Next-Cursor of a search).");
        RuleFor(q => q.Offset).Equal(0).When(q => q.Cursor is not null)
            .OverridePropertyName("offset").WithMessage("Give either 'offset' or 'cursor', not both.");
    }
}
