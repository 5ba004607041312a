using CrudCqrs.Api.FunctionalTests.OpenApi;
using CrudCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>The in-memory host with a document filter that counts how often Swashbuckle builds the document.</summary>
public sealed class DocumentCountingService() : InMemoryService(
    new Dictionary<string, string?>(),
    services => services.ConfigureSwaggerGen(options => options.DocumentFilter<DocumentBuilds>()));
