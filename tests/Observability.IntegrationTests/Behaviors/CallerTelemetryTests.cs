using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CrudCqrs.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrudCqrs.Observability.IntegrationTests.Behaviors;

/// <summary>
/// Through the real host with <c>Auth__Mode=Jwt</c>: the operation span and the pipeline's log
/// lines name the caller (<c>enduser.id</c>); search text stays out unless the setting allows it;
/// <c>/metrics</c> asks for a token only when <c>Auth__ProtectMetrics=true</c>.
/// </summary>
public sealed class CallerTelemetryTests
{
    private const string Key = "observability-tests-only: a 32+ byte HMAC key";

    private static InMemoryService JwtApp(bool recordSearchText, bool protectMetrics) => InMemoryService.Create(new Dictionary<string, string?>
    {
        ["Auth:Mode"] = "Jwt",
        ["Auth:SigningKey"] = Key,
        ["Auth:ProtectMetrics"] = protectMetrics ? "true" : "false",
        ["Observability:RecordSearchText"] = recordSearchText ? "true" : "false",
        ["Observability:PrometheusEndpoint"] = "true",
    }, captureTelemetry: true);

    [Fact]
    public async Task The_callers_subject_is_on_the_operation_span_and_its_log_lines_and_search_text_is_not()
    {
        await using var app = JwtApp(recordSearchText: false, protectMetrics: false);
        var client = ClientWith(app, Token("carol"));

        var search = await client.GetAsync("/api/search?q=secret+name");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);

        var span = Assert.Single(app.Spans.Snapshot(), s => s.DisplayName == "search_resources");
        Assert.Equal("carol", span.GetTagItem("enduser.id"));
        Assert.Null(span.GetTagItem("search.query"));
        Assert.Equal(11, span.GetTagItem("search.query.length"));
        Assert.DoesNotContain(app.Spans.Snapshot(), s => s.TagObjects.Any(t => t.Value is string text && text.Contains("secret", StringComparison.Ordinal)));

        var lines = app.Logs.Snapshot().Where(l => l.CategoryName?.Contains("LoggingBehavior", StringComparison.Ordinal) == true).ToArray();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var subjects = new List<object?>();
            line.ForEachScope((scope, _) =>
            {
                foreach (var item in scope)
                {
                    if (item.Key == "enduser.id")
                    {
                        subjects.Add(item.Value);
                    }
                }
            }, (object?)null);
            Assert.Equal(["carol"], subjects);
            Assert.DoesNotContain("secret", line.FormattedMessage ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Search_text_is_recorded_when_the_setting_allows_it()
    {
        await using var app = JwtApp(recordSearchText: true, protectMetrics: false);
        Assert.Equal(HttpStatusCode.OK, (await ClientWith(app, Token("dave")).GetAsync("/api/search?q=front")).StatusCode);
        Assert.Equal("front", Assert.Single(app.Spans.Snapshot(), s => s.DisplayName == "search_resources").GetTagItem("search.query"));
    }

    [Theory]
    [InlineData(false, HttpStatusCode.OK)]
    [InlineData(true, HttpStatusCode.Unauthorized)]
    public async Task Metrics_stay_open_unless_protected_and_then_take_any_valid_token(bool protect, HttpStatusCode anonymous)
    {
        await using var app = JwtApp(recordSearchText: false, protectMetrics: protect);
        var withoutToken = await ClientWith(app, null).GetAsync("/metrics");
        Assert.Equal(anonymous, withoutToken.StatusCode);
        if (protect)
        {
            Assert.Equal("application/problem+json", withoutToken.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"Unauthorized\"", await withoutToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await ClientWith(app, Token("prometheus", scope: null)).GetAsync("/metrics")).StatusCode);
    }

    private static HttpClient ClientWith(InMemoryService app, string? token)
    {
        var client = app.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    private static string Token(string subject, string? scope = "resources:read resources:write")
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Audience = "crudcqrs-api",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
