using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using FluentValidation;
using Mediator;

namespace CrudCqrs.Application.Resources.ListResources;

/// <summary>A page of the list by <see cref="Offset"/>, or, cheaper deep in the list, after an opaque <see cref="Cursor"/>.</summary>
[Operation("list_resources", "list")]
public sealed record ListResourcesQuery(int Offset = 0, int Limit = Paging.DefaultLimit, string? Cursor = null) : IQuery<PagedResult>;

public sealed class ListResourcesHandler(IResourceRepository repository) : IQueryHandler<ListResourcesQuery, PagedResult>
{
    public async ValueTask<PagedResult> Handle(ListResourcesQuery query, CancellationToken cancellationToken)
    {
        var page = query.Cursor is null
            ? await repository.ListAsync(query.Offset, query.Limit, cancellationToken)
            : await repository.ListAfterAsync(PageCursor.Decode(query.Cursor)!, query.Limit, cancellationToken);
        var next = page.Items.Count == query.Limit && page.Items.Count > 0 ? PageCursor.Encode(page.Items[^1]) : null;
        return new PagedResult(ResourceDto.FromAll(page.Items), page.TotalCount) { NextCursor = next };
    }
}

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
