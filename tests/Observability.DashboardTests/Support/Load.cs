using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace CrudCqrs.Observability.DashboardTests.Support;

/// <summary>
/// Real HTTP traffic against the service: every operation type, and on request every error
/// category a client can cause. Every response status is asserted, so a load that silently
/// stopped producing an error category fails here rather than as a missing series later.
/// </summary>
public sealed class Load(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// One round: create a chain a &lt;- b &lt;- c, read, list, search, update, and cascade-delete a
    /// (three resources). With errors: a validation failure, a not-found, a cycle (a depending on
    /// c) and a stale If-Match (precondition failed).
    /// </summary>
    public async Task RoundAsync(bool withErrors)
    {
        var a = await CreateAsync("alpha", []);
        var b = await CreateAsync("beta", [a]);
        var c = await CreateAsync("gamma", [b]);
        await Expect(HttpStatusCode.OK, await http.GetAsync($"/api/resources/{a}"));
        await Expect(HttpStatusCode.OK, await http.GetAsync("/api/resources?limit=10"));
        await Expect(HttpStatusCode.OK, await http.GetAsync("/api/search?q=alp"));
        await Expect(HttpStatusCode.OK, await http.PutAsJsonAsync($"/api/resources/{c}", new { description = "updated" }, Json));
        if (withErrors)
        {
            await Expect(HttpStatusCode.UnprocessableEntity, await http.PostAsJsonAsync("/api/resources", new { name = "" }, Json));
            await Expect(HttpStatusCode.NotFound, await http.GetAsync($"/api/resources/{Guid.NewGuid()}"));
            await Expect(HttpStatusCode.UnprocessableEntity, await http.PutAsJsonAsync($"/api/resources/{a}", new { dependencies = new[] { c } }, Json));
            using var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/resources/{c}");
            stale.Headers.TryAddWithoutValidation("If-Match", "\"stale\"");
            await Expect(HttpStatusCode.PreconditionFailed, await http.SendAsync(stale));
        }
        await Expect(HttpStatusCode.NoContent, await http.DeleteAsync($"/api/resources/{a}?cascade=true"));
    }

    /// <summary>
    /// Only refused client input, <paramref name="times"/> over: a read of an unknown id (404), a
    /// create without a name (422), and a path no route matches (404 before the mediator).
    /// </summary>
    public async Task ClientMistakesAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            await Expect(HttpStatusCode.NotFound, await http.GetAsync($"/api/resources/{Guid.NewGuid()}"));
            await Expect(HttpStatusCode.UnprocessableEntity, await http.PostAsJsonAsync("/api/resources", new { name = "" }, Json));
            await Expect(HttpStatusCode.NotFound, await http.GetAsync($"/api/no-such-route/{i}"));
        }
    }

    /// <summary>
    /// database_unavailable: another connection holds an exclusive lock on the SQLite file, so the
    /// service's writes time out (Database__TimeoutSeconds=1) and answer 503.
    /// </summary>
    public async Task DatabaseUnavailableAsync(string databaseFile, int requests)
    {
        await using var blocker = new SqliteConnection($"Data Source={databaseFile};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();
        }
        var attempts = Enumerable.Range(0, requests)
            .Select(i => http.PostAsJsonAsync("/api/resources", new { name = "blocked " + i }, Json));
        foreach (var response in await Task.WhenAll(attempts))
        {
            await Expect(HttpStatusCode.ServiceUnavailable, response);
        }
        await using var rollback = blocker.CreateCommand();
        rollback.CommandText = "ROLLBACK";
        await rollback.ExecuteNonQueryAsync();
    }

    private async Task<Guid> CreateAsync(string name, Guid[] dependencies)
    {
        var response = await http.PostAsJsonAsync("/api/resources", new { name, dependencies }, Json);
        var body = await Expect(HttpStatusCode.Created, response);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Asserts the status and returns the body.</summary>
    private static async Task<string> Expect(HttpStatusCode expected, HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
            {
                Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
            }
            return body;
        }
    }
}
