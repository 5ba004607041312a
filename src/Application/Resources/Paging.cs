using FluentValidation;

namespace CrudCqrs.Application.Resources;

public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void AddPagingRules<T>(this AbstractValidator<T> validator, Func<T, int> offset, Func<T, int> limit)
    {
        validator.RuleFor(x => offset(x)).GreaterThanOrEqualTo(0)
            .OverridePropertyName("offset").WithMessage("'offset' must be 0 or more.");
        validator.RuleFor(x => limit(x)).InclusiveBetween(1, MaxLimit)
            .OverridePropertyName("limit").WithMessage($"'limit' must be between 1 and {MaxLimit}.");
    }
}
