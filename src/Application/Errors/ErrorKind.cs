using Microsoft.Extensions.Logging;

namespace CrudCqrs.Application.Errors;

/// <summary>One kind of failure as every layer reports it.</summary>
/// <param name="Name">The <c>error</c> member of the problem body, e.g. <c>NotFoundError</c>.</param>
/// <param name="Status">The HTTP status of the answer.</param>
/// <param name="Title">The problem's <c>title</c>.</param>
/// <param name="ErrorType">The <c>error.type</c> category on spans, metrics and log lines.</param>
/// <param name="LogLevel">How the pipeline logs an operation that ended this way.</param>
public sealed record ErrorKind(string Name, int Status, string Title, string ErrorType, LogLevel LogLevel)
{
    /// <summary>Failures the client caused (refusals): answers, not faults, logged below error level and without a stack trace.</summary>
    public bool IsClientError => LogLevel < LogLevel.Error;
}
