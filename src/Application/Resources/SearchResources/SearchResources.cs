using CrudCqrs.Application.Abstractions;
using FluentValidation;
using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.SearchResources;

/// <summary>
/// Case-insensitive substring match on name or description, in the store's dependency order;
/// a page by <see cref="Offset"/> or, cheaper deep in the results, after an opaque <see cref="Cursor"/>.
/// </summary>
[Operation("search_resources", "search")]
public sealed record SearchResourcesQuery(string? Text, int Offset = 0, int Limit = Paging.DefaultLimit, string? Cursor = null) : IQuery<PagedResult>;

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
