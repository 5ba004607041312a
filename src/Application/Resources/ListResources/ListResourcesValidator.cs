using FluentValidation;

namespace CrudCqrs.Application.Resources.ListResources;

public sealed class ListResourcesValidator : AbstractValidator<ListResourcesQuery>
{
    public ListResourcesValidator()
    {
        this.AddPagingRules(q => q.Offset, q => q.Limit);
        RuleFor(q => q.Cursor).Must(cursor => cursor is null || PageCursor.Decode(cursor) is not null)
            .OverridePropertyName("cursor").WithMessage("'cursor' is not a cursor this service issued (take it from X-Next-Cursor).");
        RuleFor(q => q.Offset).Equal(0).When(q => q.Cursor is not null)
            .OverridePropertyName("offset").WithMessage("Give either 'offset' or 'cursor', not both.");
    }
}
