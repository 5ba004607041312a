using CrudCqrs.Domain.Resources;

namespace CrudCqrs.Application.Resources;

/// <summary>The <c>If-Match</c> rule of RFC 9110: strong comparison, <c>*</c> matches any current resource.</summary>
public static class ETagPrecondition
{
    public static void Ensure(string? ifMatch, Resource current)
    {
        if (ifMatch is null || Matches(ifMatch, current.ETag))
        {
            return;
        }
        throw new PreconditionFailedException(current.Id);
    }

    private static bool Matches(string ifMatch, string currentETag)
    {
        foreach (var candidate in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate == "*" || candidate == currentETag)
            {
                return true;
            }
        }
        return false;
    }
}
