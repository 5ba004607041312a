namespace CrudCqrs.Api.Http;

/// <summary>What was wrong with a request body, for <see cref="InvalidRequestResponse"/> to pick 400, 413 or 422.</summary>
public enum BodyProblem
{
    Malformed,
    TooLarge,
    WrongType,
    RepeatedMember,
}
