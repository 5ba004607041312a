namespace CrudCqrs.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    MongoDb,
}
