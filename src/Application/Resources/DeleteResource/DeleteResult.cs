namespace CrudCqrs.Application.Resources.DeleteResource;

public sealed record DeleteResult(int DeletedCount);
