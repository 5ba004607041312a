using CrudCqrs.Application.Abstractions;
using Mediator;

namespace CrudCqrs.Application.Resources.SearchResources;

public sealed class SearchResourcesHandler(IResourceRepository repository) : IQueryHandler<SearchResourcesQuery, PagedResult>
{
    public async ValueTask<PagedResult> Handle(SearchResourcesQuery query, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        // The store keeps every resource's position in one topological order, so a page is an
        // index range: no match set is loaded or ordered here.
        var page = query.Cursor is null
            ? await repository.SearchAsync(text, query.Offset, query.Limit, cancellationToken)
            : await repository.SearchAfterAsync(text, PageCursor.DecodeSearch(query.Cursor)!.Value, query.Limit, cancellationToken);
        var next = page.Items.Count == query.Limit && page.LastPosition is { } last ? PageCursor.EncodeSearch(last) : null;
        return new PagedResult(ResourceDto.FromAll(page.Items), page.TotalCount) { NextCursor = next };
    }
}
