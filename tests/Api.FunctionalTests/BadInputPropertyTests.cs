using System.Net.Http.Headers;
using System.Text;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CsCheck;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Api.FunctionalTests;

/// <summary>
/// Property: whatever a caller with a valid read+write token puts into any one parameter (the
/// path id, every query parameter, every header the service reads, every body field, the body's
/// bytes), the answer is not a 5xx, nothing is logged at Error or above, and neither a refusal
/// nor a log line grows past a few kilobytes beyond what the request itself carried.
/// </summary>
public sealed class BadInputPropertyTests : IClassFixture<ProductionJwtService>, IAsyncLifetime
{
    private const int CasesPerParameter = 200;

    /// <summary>
    /// A refusal or a log line may be this long plus the request's own size: a request of a few
    /// hundred bytes never gets more than a few kilobytes back, and a value is never echoed whole
    /// more than once. Only a body's dependency list may cost more (one message per bad id, each
    /// longer than the id): <see cref="BodyGrowth"/>-fold.
    /// </summary>
    private const int OverheadBytes = 4096;

    private const int BodyGrowth = 3;

    private readonly ProductionJwtService _factory;
    private readonly HttpClient _client;
    private string _existing = "";

    public BadInputPropertyTests(ProductionJwtService factory)
    {
        _factory = factory;
        _client = factory.CreateDefaultClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Mint());
    }

    public async Task InitializeAsync()
    {
        var dependency = await _client.CreateAsync("fuzz dependency");
        _existing = (await _client.CreateAsync("fuzz target", "kept", dependency.Id)).Id;
        _factory.ServerLogs.Drain();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>One request: where the hostile value went, and the request with it.</summary>
    public sealed record Probe(string Where, HttpMethod Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string? ContentType = "application/json")
    {
        public int Size => Url.Length + (Body?.Length ?? 0) + Headers.Sum(h => h.Name.Length + h.Value.Length);

        public override string ToString() =>
            $"{Where}: {Method} {HostileInput.Show(Url)} headers=[{string.Join(", ", Headers.Select(h => h.Name + ": " + HostileInput.Show(h.Value)))}]" +
            (Body is null ? "" : $" body={HostileInput.Show(Encoding.UTF8.GetString(Body))}") + (ContentType is null ? "" : $" type={HostileInput.Show(ContentType)}");
    }

    public static TheoryData<string> Parameters => new()
    {
        "path id", "q", "q bytes", "search limit", "search offset", "search cursor", "list limit", "list offset", "list cursor",
        "cascade", "Idempotency-Key", "If-Match", "If-None-Match", "traceparent", "tracestate", "Content-Type", "body fields", "body bytes",
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Hostile_input_in_one_parameter_is_never_a_server_error_nor_an_error_log_nor_an_amplified_answer(string parameter)
    {
        var sent = 0;
        ProbesFor(parameter).Sample(probe =>
        {
            if (Send(probe))
            {
                Interlocked.Increment(ref sent);
            }
        }, iter: CasesPerParameter, threads: 1, print: probe => probe.ToString());

        // A generator that the client mostly refuses to send would prove nothing.
        Assert.True(sent >= CasesPerParameter / 2, $"only {sent} of {CasesPerParameter} '{parameter}' requests reached the server");
    }

    private Gen<Probe> ProbesFor(string parameter)
    {
        var existing = $"{ApiCalls.Resources}/{_existing}";
        var text = HostileInput.Text;
        var query = text.Select(HostileInput.PercentEncoded);
        var rename = Encoding.UTF8.GetBytes("""{"name":"fuzz target"}""");
        var newOne = Encoding.UTF8.GetBytes("""{"name":"fuzz created"}""");
        return parameter switch
        {
            "path id" => Gen.Select(query, Gen.Int[0, 2]).Select((id, method) => method switch
            {
                0 => new Probe(parameter, HttpMethod.Get, $"{ApiCalls.Resources}/{id}", [], null, null),
                1 => new Probe(parameter, HttpMethod.Put, $"{ApiCalls.Resources}/{id}", [], rename),
                _ => new Probe(parameter, HttpMethod.Delete, $"{ApiCalls.Resources}/{id}?cascade=true", [], null, null),
            }),
            "q" => query.Select(q => Get(parameter, $"/api/search?q={q}")),
            "q bytes" => HostileInput.Bytes.Select(bytes => Get(parameter, $"/api/search?q={HostileInput.PercentEncoded(bytes)}&limit=5")),
            "search limit" => query.Select(value => Get(parameter, $"/api/search?q=fuzz&limit={value}")),
            "search offset" => query.Select(value => Get(parameter, $"/api/search?q=fuzz&offset={value}")),
            "search cursor" => query.Select(value => Get(parameter, $"/api/search?q=fuzz&cursor={value}")),
            "list limit" => query.Select(value => Get(parameter, $"{ApiCalls.Resources}?limit={value}")),
            "list offset" => query.Select(value => Get(parameter, $"{ApiCalls.Resources}?offset={value}")),
            "list cursor" => query.Select(value => Get(parameter, $"{ApiCalls.Resources}?cursor={value}")),
            // An unknown id: a cascade value that happens to parse must not delete the target.
            "cascade" => query.Select(value => new Probe(parameter, HttpMethod.Delete, $"{ApiCalls.Resources}/{Guid.NewGuid()}?cascade={value}", [], null, null)),
            "Idempotency-Key" => Gen.Select(text, Gen.Int[0, 2]).Select((key, method) => method switch
            {
                0 => new Probe(parameter, HttpMethod.Post, ApiCalls.Resources, [("Idempotency-Key", key)], newOne),
                1 => new Probe(parameter, HttpMethod.Put, existing, [("Idempotency-Key", key)], rename),
                _ => new Probe(parameter, HttpMethod.Delete, $"{ApiCalls.Resources}/{Guid.NewGuid()}", [("Idempotency-Key", key)], null, null),
            }),
            "If-Match" => Gen.Select(text, Gen.Bool).Select((tag, put) => put
                ? new Probe(parameter, HttpMethod.Put, existing, [("If-Match", tag)], rename)
                : new Probe(parameter, HttpMethod.Delete, $"{ApiCalls.Resources}/{Guid.NewGuid()}", [("If-Match", tag)], null, null)),
            "If-None-Match" => text.Select(tag => Get(parameter, existing, ("If-None-Match", tag))),
            "traceparent" => text.Select(value => Get(parameter, existing, ("traceparent", value))),
            "tracestate" => text.Select(value => Get(parameter, existing, ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("tracestate", value))),
            "Content-Type" => Gen.Select(text, Gen.Bool).Select((type, post) => post
                ? new Probe(parameter, HttpMethod.Post, ApiCalls.Resources, [], newOne, type)
                : new Probe(parameter, HttpMethod.Put, existing, [], rename, type)),
            "body fields" => Gen.Select(Bodies, Gen.Bool).Select((body, post) =>
                new Probe(parameter, post ? HttpMethod.Post : HttpMethod.Put, post ? ApiCalls.Resources : existing, [], Encoding.UTF8.GetBytes(body))),
            "body bytes" => Gen.Select(HostileInput.Bytes, Gen.Bool).Select((body, post) =>
                new Probe(parameter, post ? HttpMethod.Post : HttpMethod.Put, post ? ApiCalls.Resources : existing, [], body)),
            _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, null),
        };
    }

    private static Probe Get(string where, string url, params (string Name, string Value)[] headers) =>
        new(where, HttpMethod.Get, url, headers, null, null);

    /// <summary>A JSON value of any type, strings hostile.</summary>
    private static readonly Gen<string> JsonValues = Gen.Frequency(
        (4, HostileInput.Text.Select(HostileInput.JsonString)),
        (1, Gen.OneOf("0", "-1", "1e400", "true", "false", "null", "[]", "{}", "[null]", """{"a":[1]}""", "\"3f0c2a9e-6a51-4c3e-9d8e-0b6a4f1e2d7c\"")));

    private static readonly Gen<string> DependencyLists = Gen.Frequency(
        (3, JsonValues.Array[0, 5].Select(items => "[" + string.Join(",", items) + "]")),
        (1, JsonValues),
        (1, Gen.Guid.Array[990, 1010].Select(ids => "[" + string.Join(",", ids.Select(id => $"\"{id}\"")) + "]")));

    /// <summary>An object with any of name, description, dependencies and an unknown member, each of any type.</summary>
    private static readonly Gen<string> Bodies =
        Gen.Select(JsonValues, JsonValues, DependencyLists, Gen.Select(HostileInput.Text, JsonValues), Gen.Int[0, 15])
            .Select((name, description, dependencies, unknown, present) =>
            {
                var members = new List<string>();
                if ((present & 1) != 0) members.Add("\"name\":" + name);
                if ((present & 2) != 0) members.Add("\"description\":" + description);
                if ((present & 4) != 0) members.Add("\"dependencies\":" + dependencies);
                if ((present & 8) != 0) members.Add(HostileInput.JsonString(unknown.Item1) + ":" + unknown.Item2);
                return "{" + string.Join(",", members) + "}";
            });

    /// <summary>Sends the probe and checks the answer and the logs; false when the client refused to send it.</summary>
    private bool Send(Probe probe)
    {
        using var request = new HttpRequestMessage(probe.Method, probe.Url);
        foreach (var (name, value) in probe.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (probe.Body is not null)
        {
            request.Content = new ByteArrayContent(probe.Body);
            if (probe.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
            }
        }
        var arrivedBefore = _factory.RequestsArrived;
        HttpResponseMessage response;
        try
        {
            response = _client.SendAsync(request).GetAwaiter().GetResult();
        }
        catch (Exception exception) when (_factory.RequestsArrived == arrivedBefore && exception is HttpRequestException or InvalidOperationException or FormatException or ArgumentException)
        {
            // The client (or the in-memory transport) refused the request before the server saw it.
            return false;
        }
        using (response)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            var logs = _factory.ServerLogs.Drain();
            Assert.True((int)response.StatusCode < 500, $"{probe} answered {(int)response.StatusCode}: {HostileInput.Show(body)}");
            Assert.True(logs.All(e => e.Level < LogLevel.Error), $"{probe} logged: {string.Join(" | ", logs.Where(e => e.Level >= LogLevel.Error))}");
            var budget = OverheadBytes + (probe.Where == "body fields" ? BodyGrowth : 1) * probe.Size;
            if (!response.IsSuccessStatusCode)
            {
                Assert.True(body.Length <= budget, $"{probe} ({probe.Size} bytes) answered {body.Length} characters");
                if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
                {
                    ApiCalls.AssertNoLeak(body);
                }
            }
            if (logs.FirstOrDefault(e => e.Message.Length > budget) is { } longLine)
            {
                Assert.Fail($"{probe} ({probe.Size} bytes) logged a line of {longLine.Message.Length} characters: {longLine}");
            }
        }
        return true;
    }
}
