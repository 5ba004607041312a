namespace CrudCqrs.Application.Resources;

/// <summary>One page of a listing plus the size of the whole list (sent as <c>X-Total-Count</c>).</summary>
public sealed record PagedResult(IReadOnlyList<ResourceDto> Items, long TotalCount)
{
    /// <summary>Where the next page starts, when this page was full (sent as <c>X-Next-Cursor</c>).</summary>
    public string? NextCursor { get; init; }
}
