namespace CrudCqrs.Application.Abstractions;

/// <summary>The store cannot be reached, is locked past its timeout, or refused to work; retrying later may succeed.</summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
