using CrudCqrs.Application.Abstractions;
using FluentValidation;
using CrudCqrs.Application.Diagnostics;
using Mediator;

namespace CrudCqrs.Application.Resources.ListResources;

[Operation("list_resources", "list")]
public sealed record ListResourcesQuery(int Offset = 0, int Limit = Paging.DefaultLimit) : IQuery<PagedResult>;

public sealed class ListResourcesHandler(IResourceRepository repository) : IQueryHandler<ListResourcesQuery, PagedResult>
{
    public async ValueTask<PagedResult> Handle(ListResourcesQuery query, CancellationToken cancellationToken)
    {
        var page = await repository.ListAsync(query.Offset, query.Limit, cancellationToken);
        return new PagedResult(page.Items.Select(ResourceDto.From).ToArray(), page.TotalCount);
    }
}

public sealed class ListResourcesValidator : AbstractValidator<ListResourcesQuery>
{
    public ListResourcesValidator() => this.AddPagingRules(q => q.Offset, q => q.Limit);
}
