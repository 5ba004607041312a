namespace CrudCqrs.Application.Diagnostics;

/// <summary>The <c>error.type</c> categories; <see cref="Errors.ErrorKinds"/> says which failure has which.</summary>
public static class ErrorTypes
{
    public const string Validation = "validation";
    public const string NotFound = "not_found";
    public const string CircularDependency = "circular_dependency";
    public const string PreconditionFailed = "precondition_failed";
    public const string DatabaseUnavailable = "database_unavailable";
    public const string Cancelled = "cancelled";
    public const string Internal = "internal";

    public static string Of(Exception exception) => Errors.ErrorKinds.Of(exception).ErrorType;

    /// <summary>Failures the client caused: refusals, logged as outcomes, not errors.</summary>
    public static bool IsClientError(string errorType) => Errors.ErrorKinds.ForErrorType(errorType).IsClientError;
}
