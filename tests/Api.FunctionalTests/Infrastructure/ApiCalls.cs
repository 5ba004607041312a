using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>A resource as read back from the API.</summary>
public sealed record ResourceView(string Id, string Name, string? Description, IReadOnlyList<string> Dependencies, string CreatedAt, string UpdatedAt)
{
    public static ResourceView From(JsonElement json) => new(
        json.GetProperty("id").GetString()!,
        json.GetProperty("name").GetString()!,
        json.GetProperty("description").ValueKind == JsonValueKind.Null ? null : json.GetProperty("description").GetString(),
        json.GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()!).ToArray(),
        json.GetProperty("createdAt").GetString()!,
        json.GetProperty("updatedAt").GetString()!);

    public bool Equals(ResourceView? other) =>
        other is not null && Id == other.Id && Name == other.Name && Description == other.Description &&
        Dependencies.SequenceEqual(other.Dependencies) && CreatedAt == other.CreatedAt && UpdatedAt == other.UpdatedAt;

    public override int GetHashCode() => HashCode.Combine(Id, UpdatedAt);

    public override string ToString() => $"{Name} {Id} deps=[{string.Join(",", Dependencies)}] created={CreatedAt} updated={UpdatedAt}";
}

/// <summary>An HTTP answer with its body read once, so assertions can look at it repeatedly.</summary>
public sealed record ApiResponse(HttpResponseMessage Message, string Body, TimeSpan Elapsed = default)
{
    public HttpStatusCode Status => Message.StatusCode;

    public int Code => (int)Message.StatusCode;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public ResourceView Resource => ResourceView.From(Json);

    public IReadOnlyList<ResourceView> Resources => Json.EnumerateArray().Select(ResourceView.From).ToArray();

    public string? Header(string name) =>
        Message.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : Message.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : null;

    public string? ETag => Header("ETag");

    public override string ToString() =>
        $"{Message.RequestMessage?.Method} {Message.RequestMessage?.RequestUri} -> {Code} after {Elapsed.TotalMilliseconds:0} ms: {Body}";
}

public static partial class ApiCalls
{
    public const string Resources = "/api/resources";

    public static async Task<ApiResponse> SendAsync(this HttpClient client, HttpMethod method, string url, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        configure?.Invoke(request);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response, body, clock.Elapsed);
    }

    public static StringContent JsonBody(object? value) =>
        new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static StringContent RawJson(string json, string? mediaType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        return content;
    }

    public static Task<ApiResponse> PostAsync(this HttpClient client, object? body) =>
        client.SendAsync(HttpMethod.Post, Resources, JsonBody(body));

    public static Task<ApiResponse> PutAsync(this HttpClient client, string id, object? body, string? ifMatch = null) =>
        client.SendAsync(HttpMethod.Put, $"{Resources}/{Uri.EscapeDataString(id)}", JsonBody(body), r =>
        {
            if (ifMatch is not null)
            {
                r.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
        });

    public static Task<ApiResponse> DeleteResourceAsync(this HttpClient client, string id, bool? cascade = null, string? ifMatch = null) =>
        client.SendAsync(HttpMethod.Delete, $"{Resources}/{Uri.EscapeDataString(id)}" + (cascade is { } c ? $"?cascade={c.ToString().ToLowerInvariant()}" : ""), null, r =>
        {
            if (ifMatch is not null)
            {
                r.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
        });

    public static Task<ApiResponse> FetchAsync(this HttpClient client, string url) => client.SendAsync(HttpMethod.Get, url);

    public static Task<ApiResponse> GetResourceAsync(this HttpClient client, string id) =>
        client.FetchAsync($"{Resources}/{Uri.EscapeDataString(id)}");

    /// <summary>Creates a resource and insists on 201.</summary>
    public static async Task<ResourceView> CreateAsync(this HttpClient client, string name, string? description = null, params string[] dependencies)
    {
        var response = await client.PostAsync(new { name, description, dependencies });
        Assert.True(response.Status == HttpStatusCode.Created, $"create '{name}': {response}");
        return response.Resource;
    }

    /// <summary>Every stored resource, in list order, read page by page.</summary>
    public static async Task<IReadOnlyList<ResourceView>> ListAllAsync(this HttpClient client)
    {
        var all = new List<ResourceView>();
        while (true)
        {
            var page = await client.FetchAsync($"{Resources}?offset={all.Count}&limit=1000");
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            var items = page.Resources;
            all.AddRange(items);
            if (items.Count < 1000)
            {
                return all;
            }
        }
    }

    /// <summary>The raw JSON of the whole store: equal snapshots mean nothing changed.</summary>
    public static async Task<string> SnapshotAsync(this HttpClient client)
    {
        var all = await client.ListAllAsync();
        return JsonSerializer.Serialize(all);
    }

    /// <summary>
    /// Asserts an RFC 9457 problem of the contract: status, media type, <c>error</c>, and
    /// <c>traceId</c> equal to <c>X-Trace-Id</c>; and that nothing internal leaks.
    /// </summary>
    public static JsonElement AssertProblem(this ApiResponse response, int status, string error)
    {
        Assert.True(response.Code == status, $"expected {status} {error}, got {response}");
        Assert.Equal("application/problem+json", response.Message.Content.Headers.ContentType?.MediaType);
        AssertNoLeak(response.Body);
        var json = response.Json;
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        Assert.Equal($"https://httpstatuses.io/{status}", json.GetProperty("type").GetString());
        var traceId = response.Header("X-Trace-Id");
        Assert.Matches(TraceIdPattern(), traceId ?? "");
        Assert.Equal(traceId, json.GetProperty("traceId").GetString());
        return json;
    }

    /// <summary>The field names in a ValidationError's <c>errors</c>.</summary>
    public static IReadOnlyList<string> ErrorKeys(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();

    public static void AssertNoLeak(string body)
    {
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain(".cs:line", body);
        Assert.DoesNotContain("System.", body);
        Assert.DoesNotContain("Microsoft.", body);
        Assert.DoesNotContain("SQLite Error", body);
    }

    public static JsonObject Obj(params (string Key, JsonNode? Value)[] members)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in members)
        {
            obj[key] = value;
        }
        return obj;
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    public static partial Regex TraceIdPattern();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    public static partial Regex LowercaseGuidPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    public static partial Regex UtcMillisecondsPattern();
}
