namespace CrudCqrs.Infrastructure.Persistence;

/// <summary>A database setting that cannot work: the service refuses to start, naming the key.</summary>
public sealed class DatabaseConfigurationException(string message) : Exception(message);
