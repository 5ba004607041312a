namespace CrudCqrs.Domain.Resources;

/// <summary>Base of the rule violations the domain reports; the API maps each to one problem type.</summary>
public abstract class DomainException(string message) : Exception(message);
