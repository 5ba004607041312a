using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// A generous store timeout: tests about what races leave behind, where a loaded test machine
/// must not turn a long queue for the write lock into a 503 (HealthTests cover that).
/// </summary>
public sealed class PatientService() : InMemoryService(new Dictionary<string, string?> { ["Database:TimeoutSeconds"] = "30" });
