using FluentValidation;

namespace CrudCqrs.Application.UnitTests.Validation;

internal static class ValidationAssertions
{
    /// <summary>The field names a client would see in <c>errors</c>, in order.</summary>
    public static string[] FailedFields<T>(this IValidator<T> validator, T message) =>
        validator.Validate(message).Errors.Select(e => e.PropertyName).ToArray();

    public static void AssertValid<T>(this IValidator<T> validator, T message)
    {
        var result = validator.Validate(message);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
    }

    public static string Ids(int count) => string.Join(",", Enumerable.Range(0, count).Select(_ => Guid.NewGuid()));
}
