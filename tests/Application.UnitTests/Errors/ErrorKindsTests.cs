using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Errors;
using CrudCqrs.Domain.Resources;
using FluentValidation;
using FluentValidation.Results;

namespace CrudCqrs.Application.UnitTests.Errors;

public sealed class ErrorKindsTests
{
    public static TheoryData<Exception, string, int, string> Failures => new()
    {
        { new ValidationException([new ValidationFailure("name", "required")]), "ValidationError", 422, "validation" },
        { new UnknownDependenciesException(new Dictionary<int, Guid> { [0] = Guid.NewGuid() }), "ValidationError", 422, "validation" },
        { new ResourceNotFoundException("x"), "NotFoundError", 404, "not_found" },
        { new CircularDependencyException([Guid.Empty, Guid.Empty]), "CircularDependencyError", 422, "circular_dependency" },
        { new PreconditionFailedException(Guid.Empty), "PreconditionFailed", 412, "precondition_failed" },
        { new StoreUnavailableException("locked"), "DatabaseUnavailable", 503, "database_unavailable" },
        { new OperationCanceledException(), "ClientClosedRequest", 499, "cancelled" },
        { new InvalidOperationException("bug"), "InternalError", 500, "internal" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_exception_maps_to_its_kind_and_the_behaviors_read_the_same_row(Exception exception, string name, int status, string errorType)
    {
        var kind = ErrorKinds.Of(exception);

        Assert.Equal((name, status, errorType), (kind.Name, kind.Status, kind.ErrorType));
        Assert.Equal(errorType, ErrorTypes.Of(exception));
        Assert.Equal(kind.IsClientError, ErrorTypes.IsClientError(errorType));
    }

    [Fact]
    public void Faults_are_logged_as_errors_and_client_mistakes_below_that()
    {
        Assert.False(ErrorKinds.Internal.IsClientError);
        Assert.False(ErrorKinds.DatabaseUnavailable.IsClientError);
        Assert.All(ErrorKinds.All.Where(k => k.Status is >= 400 and < 500), kind => Assert.True(kind.IsClientError, kind.Name));
    }

    [Fact]
    public void Names_are_unique_and_every_status_finds_its_first_kind()
    {
        Assert.Equal(ErrorKinds.All.Count, ErrorKinds.All.Select(k => k.Name).Distinct().Count());
        Assert.Same(ErrorKinds.Validation, ErrorKinds.ForStatus(422));
        Assert.Same(ErrorKinds.MalformedRequest, ErrorKinds.ForStatus(400));
        Assert.Same(ErrorKinds.TooManyRequests, ErrorKinds.ForStatus(429));
        Assert.Same(ErrorKinds.Internal, ErrorKinds.ForStatus(418));
        Assert.Equal(ErrorKinds.All.OrderBy(k => k.Status).Select(k => k.Status), ErrorKinds.All.Select(k => k.Status));
    }

    [Fact]
    public void The_contract_kinds_are_all_in_the_table()
    {
        string[] contract =
        [
            "ValidationError", "MalformedRequest", "NotFoundError", "CircularDependencyError", "PreconditionFailed",
            "PayloadTooLarge", "DatabaseUnavailable", "InternalError", "Unauthorized", "Forbidden", "Conflict", "TooManyRequests",
        ];
        Assert.All(contract, name => Assert.Contains(ErrorKinds.All, kind => kind.Name == name));
    }
}
