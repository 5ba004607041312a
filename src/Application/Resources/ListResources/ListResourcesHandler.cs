using CrudCqrs.Application.Abstractions;
using Mediator;

namespace CrudCqrs.Application.Resources.ListResources;

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
