using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests;

/// <summary>Every kind of bad input answers a clear problem, never a 500, and changes nothing.</summary>
public sealed class BadInputTests : IClassFixture<InMemoryService>, IAsyncLifetime
{
    private readonly HttpClient _client;
    private ResourceView _existing = null!;
    private string _snapshot = "";

    public BadInputTests(InMemoryService factory) => _client = factory.CreateGuardedClient();

    public async Task InitializeAsync()
    {
        if ((await _client.ListAllAsync()).Count == 0)
        {
            var dependency = await _client.CreateAsync("existing dependency");
            await _client.CreateAsync("existing", "kept as is", dependency.Id);
        }
        _existing = (await _client.ListAllAsync()).Single(r => r.Name == "existing");
        _snapshot = await _client.SnapshotAsync();
    }

    public async Task DisposeAsync() => Assert.Equal(_snapshot, await _client.SnapshotAsync());

    private string ExistingUrl => $"{ApiCalls.Resources}/{_existing.Id}";

    public static TheoryData<string, string> InvalidFields => new()
    {
        { """{"name":""}""", "name" },
        { """{"name":"   "}""", "name" },
        { "{\"name\":\"" + new string('n', 101) + "\"}", "name" },
        { "{\"name\":\"  " + new string('n', 101) + "  \"}", "name" },
        { "{\"name\":\"ok\",\"description\":\"" + new string('d', 501) + "\"}", "description" },
        { """{"name":"ok","dependencies":["not-a-guid"]}""", "dependencies[0]" },
        { """{"name":"ok","dependencies":["00000000-0000-0000-0000-000000000001", null]}""", "dependencies[1]" },
        { """{"name":"ok","dependencies":["{3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c}"]}""", "dependencies[0]" },
        { """{"name":5}""", "name" },
        { """{"name":true}""", "name" },
        { """{"name":{"first":"x"}}""", "name" },
        { """{"name":["x"]}""", "name" },
        { """{"name":"ok","description":42}""", "description" },
        { """{"name":"ok","dependencies":"abc"}""", "dependencies" },
        { """{"name":"ok","dependencies":{"a":1}}""", "dependencies" },
        { """{"name":"ok","dependencies":[1]}""", "dependencies[0]" },
        { """{"name":"ok","dependencies":[["x"]]}""", "dependencies[0]" },
        { """{"name":"a\u0000b"}""", "name" },
        { """{"name":"ab\u0000"}""", "name" },
        { """{"name":"tab\tbed"}""", "name" },
        { """{"name":"line\nbreak"}""", "name" },
        { """{"name":"nel\u0085"}""", "name" },
        { """{"name":"del\u007f"}""", "name" },
        { """{"name":"admin\u202Egnp.exe"}""", "name" },
        { """{"name":"\u200b\u200b"}""", "name" },
        { """{"name":" \u3164 "}""", "name" },
        { """{"name":"\u2066isolated\u2069"}""", "name" },
        { """{"name":"lone \ud800 surrogate"}""", "name" },
        { """{"name":"ok","description":"nul \u0000 inside"}""", "description" },
        { """{"name":"ok","description":"bell \u0007"}""", "description" },
        { """{"name":"ok","description":"lone \udc00"}""", "description" },
    };

    [Fact]
    public async Task Descriptions_keep_tabs_line_breaks_and_bidi_marks()
    {
        var response = await _client.PostAsync(new { name = "free text", description = "first\tline\r\nsecond \u202Bline\u202C" });
        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("first\tline\r\nsecond \u202Bline\u202C", response.Resource.Description);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteResourceAsync(response.Resource.Id)).Status);
    }

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Create_with_an_invalid_field_is_a_validation_error_naming_it(string json, string field)
    {
        var problem = (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(json))).AssertProblem(422, "ValidationError");
        Assert.Contains(field, problem.ErrorKeys());
        Assert.All(problem.GetProperty("errors").EnumerateObject(), e => Assert.True(e.Value.GetArrayLength() > 0));
    }

    [Fact]
    public async Task Create_without_a_name_is_a_validation_error()
    {
        var problem = (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson("""{"description":"no name"}"""))).AssertProblem(422, "ValidationError");
        Assert.Equal(["name"], problem.ErrorKeys());
    }

    [Fact]
    public async Task Create_reports_every_invalid_field_at_once()
    {
        var json = "{\"name\":\"\",\"description\":\"" + new string('d', 501) + "\",\"dependencies\":[\"x\",\"y\"]}";
        var problem = (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(json))).AssertProblem(422, "ValidationError");
        Assert.Equal(["dependencies[0]", "dependencies[1]", "description", "name"], problem.ErrorKeys().Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Update_with_an_invalid_field_is_a_validation_error_naming_it(string json, string field)
    {
        var problem = (await _client.SendAsync(HttpMethod.Put, ExistingUrl, ApiCalls.RawJson(json))).AssertProblem(422, "ValidationError");
        Assert.Contains(field, problem.ErrorKeys());
    }

    public static TheoryData<string> MalformedBodies => new()
    {
        "{",
        "{\"name\":",
        "{\"name\":\"x\"",
        "{\"name\":'x'}",
        "{name:\"x\"}",
        "{\"name\":\"x\",}",
        "not json at all",
        "<xml/>",
        "null",
        "[]",
        "[{\"name\":\"x\"}]",
        "\"just a string\"",
        "42",
        "true",
        "{\"name\":\"x\"} trailing",
        "{\"name\":\"\\uZZZZ\"}",
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_or_non_object_json_is_400(string body)
    {
        (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(body))).AssertProblem(400, "MalformedRequest");
        (await _client.SendAsync(HttpMethod.Put, ExistingUrl, ApiCalls.RawJson(body))).AssertProblem(400, "MalformedRequest");
    }

    [Fact]
    public async Task Invalid_utf8_is_400()
    {
        var content = new ByteArrayContent([(byte)'{', (byte)'"', (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}']);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, content)).AssertProblem(400, "MalformedRequest");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    public async Task Missing_or_empty_body_is_400(string method)
    {
        var url = method == "POST" ? ApiCalls.Resources : ExistingUrl;
        (await _client.SendAsync(new HttpMethod(method), url)).AssertProblem(400, "MalformedRequest");
        (await _client.SendAsync(new HttpMethod(method), url, ApiCalls.RawJson(""))).AssertProblem(400, "MalformedRequest");
        (await _client.SendAsync(new HttpMethod(method), url, ApiCalls.RawJson("", null))).AssertProblem(400, "MalformedRequest");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task Any_or_no_content_type_is_read_as_json(string? mediaType)
    {
        // Bad JSON under any media type is still a clear 400, and a wrong-typed field a 422.
        (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson("name=x", mediaType))).AssertProblem(400, "MalformedRequest");
        (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson("""{"name":""}""", mediaType))).AssertProblem(422, "ValidationError");
        (await _client.SendAsync(HttpMethod.Put, ExistingUrl, ApiCalls.RawJson("""{"name":7}""", mediaType))).AssertProblem(422, "ValidationError");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Valid_json_under_another_content_type_is_accepted(string? mediaType)
    {
        var response = await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson("""{"name":"plain"}""", mediaType));
        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteResourceAsync(response.Resource.Id)).Status);
    }

    public static TheoryData<string> OddIds => new()
    {
        "no-such-id",
        "1' OR 1=1",
        "1' OR '1'='1'; DROP TABLE Resources; --",
        "%",
        "_",
        "%2E%2E",
        "a?b#c",
        "日本語",
        "🚀",
        "00000000-0000-0000-0000-000000000000",
        "3F0C2A9E-6A51-4C3E-9D8E-0B6A4F1E2D7C",
        "{3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c}",
        "3f0c2a9e6a514c3e9d8e0b6a4f1e2d7c",
        " ",
        new string('x', 10 * 1024),
        new string('x', 63) + "🚀" + new string('x', 20 * 1024),
    };

    [Theory]
    [MemberData(nameof(OddIds))]
    public async Task Odd_ids_are_404_naming_the_id_on_every_method(string id)
    {
        var escaped = Uri.EscapeDataString(id);
        var responses = new[]
        {
            await _client.FetchAsync($"{ApiCalls.Resources}/{escaped}"),
            await _client.SendAsync(HttpMethod.Put, $"{ApiCalls.Resources}/{escaped}", ApiCalls.JsonBody(new { name = "x" })),
            await _client.SendAsync(HttpMethod.Delete, $"{ApiCalls.Resources}/{escaped}"),
            await _client.SendAsync(HttpMethod.Delete, $"{ApiCalls.Resources}/{escaped}?cascade=true"),
        };
        // Up to 64 characters are echoed as sent; a longer id is cut there (a pair never split) and marked.
        var echoed = id.Length <= 64 ? id : (char.IsHighSurrogate(id[63]) ? id[..63] : id[..64]) + "…";
        foreach (var response in responses)
        {
            var problem = response.AssertProblem(404, "NotFoundError");
            Assert.Equal(echoed, problem.GetProperty("resourceId").GetString());
            Assert.InRange(response.Body.Length, 0, 1024);
        }
    }

    [Fact]
    public async Task Uppercase_form_of_an_existing_id_names_no_resource()
    {
        var upper = _existing.Id.ToUpperInvariant();
        var problem = (await _client.GetResourceAsync(upper)).AssertProblem(404, "NotFoundError");
        Assert.Equal(upper, problem.GetProperty("resourceId").GetString());
        (await _client.PutAsync(upper, new { name = "x" })).AssertProblem(404, "NotFoundError");
        (await _client.DeleteResourceAsync(upper)).AssertProblem(404, "NotFoundError");

        var dependency = (await _client.PostAsync(new { name = "x", dependencies = new[] { upper } })).AssertProblem(422, "ValidationError");
        Assert.Equal(["dependencies[0]"], dependency.ErrorKeys());
    }

    [Fact]
    public async Task Odd_id_with_a_stale_if_match_is_still_404()
    {
        (await _client.DeleteResourceAsync("no-such-id", ifMatch: "\"1\"")).AssertProblem(404, "NotFoundError");
        (await _client.PutAsync(Guid.NewGuid().ToString(), new { name = "x" }, ifMatch: "\"1\"")).AssertProblem(404, "NotFoundError");
    }

    [Theory]
    [InlineData("cascade=maybe")]
    [InlineData("cascade=2")]
    public async Task Bad_cascade_value_is_a_validation_error(string query)
    {
        var problem = (await _client.SendAsync(HttpMethod.Delete, $"{ExistingUrl}?{query}")).AssertProblem(422, "ValidationError");
        Assert.Contains("cascade", problem.ErrorKeys());
    }

    [Theory]
    [InlineData("""{"name":"first","name":"second"}""", "name")]
    [InlineData("""{"name":"first","Name":"second"}""", "name")]
    [InlineData("""{"name":"ok","description":"a","description":null}""", "description")]
    [InlineData("""{"name":"ok","dependencies":[],"dependencies":[]}""", "dependencies")]
    public async Task A_body_member_given_twice_is_a_validation_error_and_changes_nothing(string json, string field)
    {
        var created = (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(json))).AssertProblem(422, "ValidationError");
        Assert.Equal([field], created.ErrorKeys());
        Assert.Contains("more than once", created.GetProperty("errors").GetProperty(field)[0].GetString());
        var updated = (await _client.SendAsync(HttpMethod.Put, ExistingUrl, ApiCalls.RawJson(json))).AssertProblem(422, "ValidationError");
        Assert.Equal([field], updated.ErrorKeys());
    }

    [Fact]
    public async Task A_member_name_escaping_an_unpaired_surrogate_is_a_malformed_body()
    {
        var response = await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson("""{"name":"ok","\ud800":1}"""));
        var problem = response.AssertProblem(400, "MalformedRequest");
        Assert.Contains("unpaired surrogate", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("cascade=false&cascade=true")]
    [InlineData("cascade=true&CASCADE=true")]
    public async Task A_repeated_cascade_is_a_validation_error_and_deletes_nothing(string query)
    {
        var problem = (await _client.SendAsync(HttpMethod.Delete, $"{ExistingUrl}?{query}")).AssertProblem(422, "ValidationError");
        Assert.Equal(["cascade"], problem.ErrorKeys());
        Assert.Equal(HttpStatusCode.OK, (await _client.FetchAsync(ExistingUrl)).Status);
    }

    [Theory]
    [InlineData("/api/resources?limit=1&limit=2", "limit")]
    [InlineData("/api/resources?offset=0&offset=0", "offset")]
    [InlineData("/api/search?q=a&q=b", "q")]
    [InlineData("/api/search?q=a&limit=5&Limit=5", "limit")]
    public async Task A_query_parameter_given_twice_is_a_validation_error_naming_it(string url, string field)
    {
        var problem = (await _client.FetchAsync(url)).AssertProblem(422, "ValidationError");
        Assert.Equal([field], problem.ErrorKeys());
    }

    [Theory]
    [InlineData("PATCH", "/api/resources/00000000-0000-0000-0000-000000000000")]
    [InlineData("DELETE", "/api/resources")]
    [InlineData("PUT", "/api/resources")]
    [InlineData("POST", "/api/search")]
    public async Task Unsupported_methods_are_405_problems(string method, string url)
    {
        var response = await _client.SendAsync(new HttpMethod(method), url, ApiCalls.JsonBody(new { name = "x" }));
        response.AssertProblem(405, "MethodNotAllowed");
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        (await _client.FetchAsync("/api/nothing-here")).AssertProblem(404, "NotFoundError");
    }

    [Fact]
    public async Task A_long_unknown_path_is_echoed_in_instance_cut_at_512_characters()
    {
        var path = "/api/nothing-here/" + new string('p', 20 * 1024);
        var problem = (await _client.FetchAsync(path)).AssertProblem(404, "NotFoundError");
        Assert.Equal(path[..512], problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_clear_problem()
    {
        var json = "{\"name\":\"x\",\"description\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var response = await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.RawJson(json));
        Assert.True(response.Code is 400 or 422, response.ToString());
        ApiCalls.AssertNoLeak(response.Body);
        Assert.Equal("application/problem+json", response.Message.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_members_are_ignored()
    {
        var response = await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources,
            ApiCalls.RawJson("""{"name":"extra","id":"3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c","createdAt":"2000-01-01T00:00:00Z","bogus":[1,2]}"""));
        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.NotEqual("3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c", response.Resource.Id);
        Assert.NotEqual("2000-01-01T00:00:00.000Z", response.Resource.CreatedAt);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteResourceAsync(response.Resource.Id)).Status);
    }

    [Fact]
    public async Task Too_many_dependencies_is_a_validation_error()
    {
        var ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var problem = (await _client.PostAsync(new { name = "many", dependencies = ids })).AssertProblem(422, "ValidationError");
        Assert.Contains("dependencies", problem.ErrorKeys());
    }

    [Fact]
    public async Task Over_one_mebibyte_body_is_413_in_process_too()
    {
        var json = "{\"name\":\"big\",\"description\":\"" + new string('d', 1024 * 1024) + "\"}";
        (await _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, new StringContent(json, Encoding.UTF8, "application/json"))).AssertProblem(413, "PayloadTooLarge");
        (await _client.SendAsync(HttpMethod.Put, ExistingUrl, new StringContent(json, Encoding.UTF8, "application/json"))).AssertProblem(413, "PayloadTooLarge");
    }
}
