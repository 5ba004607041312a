using System.Globalization;
using CrudCqrs.Infrastructure.Observability;
using CsCheck;
using Microsoft.Extensions.Configuration;

namespace CrudCqrs.Observability.IntegrationTests.Settings;

/// <summary>
/// Property 21 of docs/observability-properties.md (every setting given is used), with the precedence and fallbacks of docs/configuration.md: our keys
/// become the SDK's own OTEL_* keys, only when given, so they win and the SDK's defaults apply
/// everywhere else. What the SDK then does with them is shown against the real receiver
/// (<c>StandardSettingsTests</c>).
/// </summary>
public sealed class ObservabilitySettingsTests
{
    private static ObservabilitySettings Resolve(params (string Key, string? Value)[] values) =>
        ObservabilitySettings.Resolve(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void With_nothing_given_the_sdk_keeps_its_own_defaults()
    {
        var settings = Resolve();
        Assert.True(settings.Enabled);
        Assert.Equal("crudcqrs-api", settings.ServiceName);
        Assert.False(settings.PrometheusEndpoint);
        Assert.True(settings.JsonLogs);
        Assert.Empty(settings.SdkKeys);
        Assert.Empty(settings.ResourceOverrides);
        Assert.Empty(settings.Problems);
    }

    [Fact]
    public void Any_valid_setting_given_becomes_the_sdk_key()
    {
        var names = Gen.String[Gen.Char['a', 'z'], 1, 20];
        var hosts = Gen.String[Gen.Char['a', 'z'], 1, 12];
        Gen.Select(names, hosts, Gen.Int[1024, 65535], Gen.Int[100, 600_000], Gen.Double[0, 1], Gen.Bool, Gen.Bool)
            .Sample((name, host, port, interval, rate, http, prometheus) =>
            {
                var settings = Resolve(
                    ("Observability:ServiceName", name),
                    ("Observability:Environment", "env-" + name),
                    ("Observability:OtlpEndpoint", $"http://{host}:{port}"),
                    ("Observability:OtlpTracesEndpoint", $"http://{host}:{port}/custom"),
                    ("Observability:OtlpProtocol", http ? "http/protobuf" : "grpc"),
                    ("Observability:MetricsExportIntervalMs", interval.ToString(CultureInfo.InvariantCulture)),
                    ("Observability:TracesSampleRate", rate.ToString("R", CultureInfo.InvariantCulture)),
                    ("Observability:PrometheusEndpoint", prometheus ? "true" : "false"));
                Assert.Empty(settings.Problems);
                Assert.Equal(name, settings.ServiceName);
                Assert.Equal(name, settings.SdkKeys["OTEL_SERVICE_NAME"]);
                Assert.Equal("env-" + name, settings.ResourceOverrides["deployment.environment.name"]);
                Assert.Equal($"http://{host}:{port}", settings.SdkKeys["OTEL_EXPORTER_OTLP_ENDPOINT"]);
                Assert.Equal($"http://{host}:{port}/custom", settings.SdkKeys["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
                Assert.Equal(http ? "http/protobuf" : "grpc", settings.SdkKeys["OTEL_EXPORTER_OTLP_PROTOCOL"]);
                Assert.Equal(interval.ToString(CultureInfo.InvariantCulture), settings.SdkKeys["OTEL_METRIC_EXPORT_INTERVAL"]);
                Assert.Equal("parentbased_traceidratio", settings.SdkKeys["OTEL_TRACES_SAMPLER"]);
                Assert.Equal(rate, double.Parse(settings.SdkKeys["OTEL_TRACES_SAMPLER_ARG"]!, CultureInfo.InvariantCulture));
                Assert.Equal(prometheus, settings.PrometheusEndpoint);
            }, iter: 200);
    }

    [Fact]
    public void Standard_variables_alone_are_left_to_the_sdk()
    {
        var settings = Resolve(("OTEL_SERVICE_NAME", "from-otel"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"), ("OTEL_TRACES_SAMPLER", "always_off"));
        Assert.Equal("from-otel", settings.ServiceName);
        Assert.Empty(settings.SdkKeys);
        Assert.Equal("from-attributes", Resolve(("OTEL_RESOURCE_ATTRIBUTES", "team=a,service.name=from-attributes")).ServiceName);
    }

    [Fact]
    public void Observability_keys_win_over_standard_variables()
    {
        var both = Resolve(("OTEL_SERVICE_NAME", "from-otel"), ("Observability:ServiceName", "from-key"),
            ("OTEL_TRACES_SAMPLER", "always_off"), ("Observability:TracesSampleRate", "0.5"));
        Assert.Equal("from-key", both.ServiceName);
        Assert.Equal("from-key", both.SdkKeys["OTEL_SERVICE_NAME"]);
        Assert.Equal("parentbased_traceidratio", both.SdkKeys["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("0.5", both.SdkKeys["OTEL_TRACES_SAMPLER_ARG"]);
    }

    [Theory]
    [InlineData("Observability:TracesSampleRate", "7", "Observability__TracesSampleRate")]
    [InlineData("Observability:TracesSampleRate", "abc", "Observability__TracesSampleRate")]
    [InlineData("Observability:OtlpEndpoint", "not a url", "Observability__OtlpEndpoint")]
    [InlineData("Observability:OtlpEndpoint", "ftp://x:1", "Observability__OtlpEndpoint")]
    [InlineData("Observability:OtlpTracesEndpoint", "::nope::", "Observability__OtlpTracesEndpoint")]
    [InlineData("Observability:OtlpProtocol", "carrier-pigeon", "Observability__OtlpProtocol")]
    [InlineData("Observability:MetricsExportIntervalMs", "-5", "Observability__MetricsExportIntervalMs")]
    [InlineData("Observability:Enabled", "maybe", "Observability__Enabled")]
    [InlineData("Logging:Format", "xml", "Logging__Format")]
    public void A_value_that_cannot_work_is_reported_by_key_and_left_to_the_default_never_thrown(string key, string value, string reportedKey)
    {
        var settings = Resolve((key, value));
        var problem = Assert.Single(settings.Problems);
        Assert.Contains(reportedKey, problem);
        Assert.Contains(value, problem);
        Assert.True(settings.Enabled);
        Assert.DoesNotContain(settings.SdkKeys, pair => pair.Key != "OTEL_SDK_DISABLED" && pair.Value == value);
    }

    [Fact]
    public void Otel_sdk_disabled_turns_everything_off_unless_the_key_says_otherwise()
    {
        Assert.False(Resolve(("OTEL_SDK_DISABLED", "true")).Enabled);
        var keyWins = Resolve(("OTEL_SDK_DISABLED", "true"), ("Observability:Enabled", "true"));
        Assert.True(keyWins.Enabled);
        Assert.Equal("false", keyWins.SdkKeys["OTEL_SDK_DISABLED"]);
        Assert.False(Resolve(("Observability:Enabled", "false")).Enabled);
    }

    [Fact]
    public void Header_secrets_are_never_echoed_in_problems()
    {
        Assert.Equal("authorization=Bearer abc", Resolve(("Observability:OtlpHeaders", "authorization=Bearer abc")).SdkKeys["OTEL_EXPORTER_OTLP_HEADERS"]);
        var settings = Resolve(("Observability:OtlpHeaders", "authorization=Bearer abc,justasecret"));
        Assert.False(settings.SdkKeys.ContainsKey("OTEL_EXPORTER_OTLP_HEADERS"));
        var problem = Assert.Single(settings.Problems);
        Assert.DoesNotContain("justasecret", problem);
    }
}
