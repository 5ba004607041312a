using System.Net;
using System.Net.Http.Json;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.IntegrationTests.Export;

/// <summary>
/// With a sample rate, an outside caller's <c>traceparent</c> keeps its trace id but its
/// "sampled" flag does not force a trace, unless <c>Observability__TrustCallerSampling=true</c>.
/// Real host, real SDK, spans read from its in-memory exporter.
/// </summary>
public sealed class CallerSamplingTests
{
    private const string CallerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static InMemoryService SampledAt(string rate, string? trustCallers) => InMemoryService.Create(new Dictionary<string, string?>
    {
        ["Observability:TracesSampleRate"] = rate,
        ["Observability:TrustCallerSampling"] = trustCallers,
    }, captureTelemetry: true);

    private static async Task<HttpResponseMessage> CreateWithTraceparentAsync(InMemoryService app, string flags)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/resources") { Content = JsonContent.Create(new { name = "traced?" }) };
        request.Headers.Add("traceparent", $"00-{CallerTrace}-00f067aa0ba902b7-{flags}");
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response;
    }

    [Fact]
    public async Task An_untrusted_callers_sampled_flag_does_not_force_a_trace_at_rate_zero()
    {
        await using var app = SampledAt("0", trustCallers: null);
        await CreateWithTraceparentAsync(app, "01");
        Assert.DoesNotContain(app.Spans.Snapshot(), span => span.TraceId.ToHexString() == CallerTrace && span.Recorded);
    }

    [Fact]
    public async Task A_trusted_callers_sampled_flag_is_followed_at_rate_zero()
    {
        await using var app = SampledAt("0", trustCallers: "true");
        await CreateWithTraceparentAsync(app, "01");
        Assert.Contains(app.Spans.Snapshot(), span => span.TraceId.ToHexString() == CallerTrace && span.DisplayName == "create_resource");
    }

    [Fact]
    public async Task At_rate_one_an_untrusted_caller_continues_its_trace_whatever_its_flag()
    {
        await using var app = SampledAt("1.0", trustCallers: null);
        await CreateWithTraceparentAsync(app, "00");
        Assert.Contains(app.Spans.Snapshot(), span => span.TraceId.ToHexString() == CallerTrace && span.DisplayName == "create_resource");
    }
}
