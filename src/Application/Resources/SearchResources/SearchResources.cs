using CrudCqrs.Application.Abstractions;
using CrudCqrs.Domain.Resources;
using FluentValidation;
using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.SearchResources;

/// <summary>Case-insensitive substring match on name or description; results in topological order, then paged.</summary>
[Operation("search_resources", "search")]
public sealed record SearchResourcesQuery(string? Text, int Offset = 0, int Limit = Paging.DefaultLimit) : IQuery<PagedResult>;

public sealed class SearchResourcesHandler(IResourceRepository repository) : IQueryHandler<SearchResourcesQuery, PagedResult>
{
    public async ValueTask<PagedResult> Handle(SearchResourcesQuery query, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        // Most graphs only point at older resources; then the store pages in creation order, which
        // is the topological order, without loading every match.
        if (await repository.SearchInCreationOrderAsync(text, query.Offset, query.Limit, cancellationToken) is { } inOrder)
        {
            return new PagedResult(inOrder.Items.Select(ResourceDto.From).ToArray(), inOrder.TotalCount);
        }
        var matches = await repository.SearchAsync(text, cancellationToken);
        // Paging applies after ordering, so the whole match set is ordered first.
        var ordered = DependencyGraph.TopologicalOrder(matches);
        var page = ordered.Skip(query.Offset).Take(query.Limit).Select(ResourceDto.From).ToArray();
        return new PagedResult(page, ordered.Count);
    }
}

public sealed class SearchResourcesValidator : AbstractValidator<SearchResourcesQuery>
{
    public const int MaxQueryLength = 200;

    public SearchResourcesValidator()
    {
        this.AddPagingRules(q => q.Offset, q => q.Limit);
        RuleFor(q => q.Text).MaximumLength(MaxQueryLength).OverridePropertyName("q")
            .WithMessage($"'q' must have at most {MaxQueryLength} characters.");
    }
}
