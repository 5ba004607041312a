using CrudCqrs.Tools.SqliteToMongo;

return await Migration.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
