using System.Net;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests.Resources;

/// <summary>The <c>Idempotency-Key</c> contract of API.md on the real pipeline and SQLite store.</summary>
public sealed class IdempotencyKeyTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private const string Header = "Idempotency-Key";
    private readonly HttpClient _client = factory.CreateGuardedClient();

    private static Action<HttpRequestMessage> Keyed(string key) => r => r.Headers.TryAddWithoutValidation(Header, key);

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    private Task<ApiResponse> CreateKeyed(string key, object body) =>
        _client.SendAsync(HttpMethod.Post, ApiCalls.Resources, ApiCalls.JsonBody(body), Keyed(key));

    private async Task<int> CountNamed(string name) => (await _client.ListAllAsync()).Count(r => r.Name == name);

    [Fact]
    public async Task A_repeated_create_replays_the_first_answer_and_creates_nothing()
    {
        var key = NewKey();
        var name = "once " + key;
        var first = await CreateKeyed(key, new { name });
        var again = await CreateKeyed(key, new { name });

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(first.ETag, again.ETag);
        Assert.Equal(first.Message.Headers.Location, again.Message.Headers.Location);
        Assert.Equal("application/json", again.Message.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await CountNamed(name));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_validation_error_naming_the_header()
    {
        var key = NewKey();
        Assert.Equal(HttpStatusCode.Created, (await CreateKeyed(key, new { name = "first " + key })).Status);

        var other = await CreateKeyed(key, new { name = "second " + key });

        var problem = other.AssertProblem(422, "ValidationError");
        Assert.Equal([Header], problem.ErrorKeys());
        Assert.Equal(0, await CountNamed("second " + key));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\tkey")]
    [InlineData("ünïcode")]
    public async Task A_key_that_is_not_visible_ascii_is_refused_and_nothing_is_written(string key)
    {
        var name = "bad key " + Guid.NewGuid().ToString("N");
        var response = await CreateKeyed(key, new { name });

        var problem = response.AssertProblem(422, "ValidationError");
        Assert.Equal([Header], problem.ErrorKeys());
        Assert.Equal(0, await CountNamed(name));
    }

    [Fact]
    public async Task A_key_longer_than_255_characters_is_refused_and_255_is_accepted()
    {
        var tooLong = await CreateKeyed(new string('k', 256), new { name = "too long key" });
        Assert.Equal([Header], tooLong.AssertProblem(422, "ValidationError").ErrorKeys());

        var longest = new string('k', 254) + Guid.NewGuid().ToString("N")[..1];
        Assert.Equal(HttpStatusCode.Created, (await CreateKeyed(longest, new { name = "longest key" })).Status);
    }

    [Fact]
    public async Task Concurrent_repeats_write_once_and_each_gets_the_answer_or_409()
    {
        var key = NewKey();
        var name = "raced " + key;
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => CreateKeyed(key, new { name })));

        Assert.Equal(1, await CountNamed(name));
        var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToArray();
        Assert.NotEmpty(created);
        Assert.All(created, a => Assert.Equal(created[0].Body, a.Body));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => a.AssertProblem(409, "Conflict"));
    }

    [Fact]
    public async Task A_repeated_update_replays_its_answer_even_after_the_resource_changed()
    {
        var resource = await _client.CreateAsync("before");
        var key = NewKey();
        var update = () => _client.SendAsync(HttpMethod.Put, $"{ApiCalls.Resources}/{resource.Id}", ApiCalls.JsonBody(new { name = "after" }), Keyed(key));
        var first = await update();
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(resource.Id, new { name = "later" })).Status);

        var again = await update();

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(first.ETag, again.ETag);
        Assert.Equal("later", (await _client.GetResourceAsync(resource.Id)).Resource.Name);
    }

    [Fact]
    public async Task A_repeated_delete_answers_204_again_where_an_unkeyed_one_would_be_404()
    {
        var resource = await _client.CreateAsync("doomed");
        var key = NewKey();
        var delete = () => _client.SendAsync(HttpMethod.Delete, $"{ApiCalls.Resources}/{resource.Id}", null, Keyed(key));

        Assert.Equal(HttpStatusCode.NoContent, (await delete()).Status);
        var again = await delete();

        Assert.Equal(HttpStatusCode.NoContent, again.Status);
        Assert.Equal("", again.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteResourceAsync(resource.Id)).Status);
    }

    [Fact]
    public async Task The_query_is_part_of_the_request_a_key_stands_for()
    {
        var resource = await _client.CreateAsync("target");
        var key = NewKey();
        Assert.Equal(HttpStatusCode.NoContent,
            (await _client.SendAsync(HttpMethod.Delete, $"{ApiCalls.Resources}/{resource.Id}?cascade=false", null, Keyed(key))).Status);

        var other = await _client.SendAsync(HttpMethod.Delete, $"{ApiCalls.Resources}/{resource.Id}?cascade=true", null, Keyed(key));

        other.AssertProblem(422, "ValidationError");
    }

    [Fact]
    public async Task A_refused_request_is_not_recorded_so_its_key_stays_free()
    {
        var key = NewKey();
        var refused = await CreateKeyed(key, new { name = "" });
        refused.AssertProblem(422, "ValidationError");

        var fixedUp = await CreateKeyed(key, new { name = "fixed " + key });

        Assert.Equal(HttpStatusCode.Created, fixedUp.Status);
        Assert.Equal(1, await CountNamed("fixed " + key));
    }

    [Fact]
    public async Task Keys_are_per_request_target_so_one_key_on_two_resources_is_a_mismatch()
    {
        var a = await _client.CreateAsync("a");
        var b = await _client.CreateAsync("b");
        var key = NewKey();
        Assert.Equal(HttpStatusCode.OK,
            (await _client.SendAsync(HttpMethod.Put, $"{ApiCalls.Resources}/{a.Id}", ApiCalls.JsonBody(new { name = "x" }), Keyed(key))).Status);

        var onB = await _client.SendAsync(HttpMethod.Put, $"{ApiCalls.Resources}/{b.Id}", ApiCalls.JsonBody(new { name = "x" }), Keyed(key));

        onB.AssertProblem(422, "ValidationError");
        Assert.Equal("b", (await _client.GetResourceAsync(b.Id)).Resource.Name);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_replay_is_the_first_answer_byte_for_byte_with_the_same_headers(string method)
    {
        var key = NewKey();
        var target = method == "POST" ? ApiCalls.Resources : $"{ApiCalls.Resources}/{(await _client.CreateAsync("replayed " + key)).Id}";
        var send = () => _client.SendAsync(new HttpMethod(method), target,
            method == "DELETE" ? null : ApiCalls.JsonBody(new { name = "replayed " + key, description = "ünïcode and \"quotes\"" }), Keyed(key));

        var first = await send();
        var again = await send();

        Assert.True(first.Message.IsSuccessStatusCode, first.ToString());
        Assert.Equal(first.Status, again.Status);
        Assert.Equal(await first.Message.Content.ReadAsByteArrayAsync(), await again.Message.Content.ReadAsByteArrayAsync());
        // Everything but what differs per response by design: its date and its own trace.
        string[] perResponse = ["Date", "X-Trace-Id", "traceresponse"];
        Assert.Equal(Headers(first, perResponse), Headers(again, perResponse));
    }

    private static string[] Headers(ApiResponse response, string[] except) =>
        response.Message.Headers.Concat(response.Message.Content.Headers)
            .Where(h => !except.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}")
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Theory]
    [InlineData("/api/resources", "post")]
    [InlineData("/api/resources/{id}", "put")]
    [InlineData("/api/resources/{id}", "delete")]
    public async Task The_openapi_document_offers_the_header_and_its_409_on_each_write(string path, string method)
    {
        var document = await _client.FetchAsync("/swagger/v1/swagger.json");
        var operation = document.Json.GetProperty("paths").GetProperty(path).GetProperty(method);

        var header = Assert.Single(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == Header);
        Assert.Equal("header", header.GetProperty("in").GetString());
        Assert.Equal(255, header.GetProperty("schema").GetProperty("maxLength").GetInt32());
        Assert.True(operation.GetProperty("responses").TryGetProperty("409", out _));
    }
}
