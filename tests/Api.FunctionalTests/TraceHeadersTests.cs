using System.Net;
using System.Text.RegularExpressions;
using CrudCqrs.Api.FunctionalTests.Infrastructure;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Api.FunctionalTests;

public sealed partial class TraceHeadersTests(InMemoryService factory) : IClassFixture<InMemoryService>
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentSpanId = "00f067aa0ba902b7";

    private readonly HttpClient _client = factory.CreateGuardedClient();

    [GeneratedRegex("^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")]
    private static partial Regex TraceResponsePattern();

    private static (string TraceId, string SpanId) AssertTraceHeaders(ApiResponse response)
    {
        var traceId = response.Header("X-Trace-Id");
        Assert.Matches(ApiCalls.TraceIdPattern(), traceId ?? "");
        var match = TraceResponsePattern().Match(response.Header("traceresponse") ?? "");
        Assert.True(match.Success, $"traceresponse: {response.Header("traceresponse")}");
        Assert.Equal(traceId, match.Groups[1].Value);
        Assert.NotEqual(new string('0', 16), match.Groups[2].Value);
        return (traceId!, match.Groups[2].Value);
    }

    [Fact]
    public async Task Every_kind_of_response_carries_trace_headers()
    {
        var created = await _client.PostAsync(new { name = "traced" });
        var responses = new[]
        {
            created,
            await _client.GetResourceAsync(created.Resource.Id),
            await _client.FetchAsync("/api/resources"),
            await _client.FetchAsync("/api/search?q=tr"),
            await _client.PutAsync(created.Resource.Id, new { }),
            await _client.GetResourceAsync("no-such-id"),
            await _client.PostAsync(new { name = "" }),
            await _client.FetchAsync("/health/live"),
            await _client.FetchAsync("/health/ready"),
            await _client.FetchAsync("/no/such/route"),
            await _client.DeleteResourceAsync(created.Resource.Id),
        };
        var traceIds = responses.Select(r => AssertTraceHeaders(r).TraceId).ToArray();
        Assert.Equal(traceIds.Length, traceIds.Distinct().Count());
    }

    [Fact]
    public async Task Incoming_traceparent_is_joined()
    {
        var response = await _client.SendAsync(HttpMethod.Get, "/api/resources", null,
            r => r.Headers.Add("traceparent", $"00-{TraceId}-{ParentSpanId}-01"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var (traceId, spanId) = AssertTraceHeaders(response);
        Assert.Equal(TraceId, traceId);
        Assert.NotEqual(ParentSpanId, spanId);
    }

    [Fact]
    public async Task Problem_trace_id_is_the_incoming_trace()
    {
        var response = await _client.SendAsync(HttpMethod.Get, "/api/resources/no-such-id", null,
            r => r.Headers.Add("traceparent", $"00-{TraceId}-{ParentSpanId}-00"));

        var problem = response.AssertProblem(404, "NotFoundError");
        Assert.Equal(TraceId, problem.GetProperty("traceId").GetString());
        Assert.Equal(TraceId, AssertTraceHeaders(response).TraceId);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")]
    public async Task Invalid_traceparent_starts_a_new_trace(string traceparent)
    {
        var response = await _client.SendAsync(HttpMethod.Get, "/api/resources", null,
            r => r.Headers.TryAddWithoutValidation("traceparent", traceparent));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var (traceId, _) = AssertTraceHeaders(response);
        Assert.NotEqual(new string('0', 32), traceId);
        Assert.NotEqual(TraceId, traceId);
    }
}
