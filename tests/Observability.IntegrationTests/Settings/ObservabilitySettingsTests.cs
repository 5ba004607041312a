using System.Globalization;
using CrudCqrs.Infrastructure.Observability;
using CsCheck;
using Microsoft.Extensions.Configuration;

namespace CrudCqrs.Observability.IntegrationTests.Settings;

/// <summary>Property 21 of docs/observability-properties.md (every setting given is used), with the precedence and fallbacks of docs/configuration.md.</summary>
public sealed class ObservabilitySettingsTests
{
    private static ObservabilitySettings Resolve(params (string Key, string? Value)[] values) =>
        ObservabilitySettings.Resolve(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
            "9.9.9");

    [Fact]
    public void Defaults_match_the_configuration_contract()
    {
        var settings = Resolve();
        Assert.True(settings.Enabled);
        Assert.Equal("crudcqrs-api", settings.ServiceName);
        Assert.Equal("9.9.9", settings.ServiceVersion);
        Assert.Equal("development", settings.Environment);
        Assert.Equal(new Uri("http://localhost:4317"), settings.Traces.Endpoint);
        Assert.Equal(OtlpTransport.Grpc, settings.Traces.Transport);
        Assert.Equal(60_000, settings.MetricsExportIntervalMs);
        Assert.Equal(1.0, settings.TracesSampleRate);
        Assert.False(settings.PrometheusEndpoint);
        Assert.Equal(LogFormat.Json, settings.LogFormat);
        Assert.Empty(settings.Problems);
    }

    [Fact]
    public void Any_valid_setting_given_is_the_one_used()
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
                    ("Observability:OtlpProtocol", http ? "http/protobuf" : "grpc"),
                    ("Observability:MetricsExportIntervalMs", interval.ToString(CultureInfo.InvariantCulture)),
                    ("Observability:TracesSampleRate", rate.ToString("R", CultureInfo.InvariantCulture)),
                    ("Observability:PrometheusEndpoint", prometheus ? "true" : "false"));
                Assert.Empty(settings.Problems);
                Assert.Equal(name, settings.ServiceName);
                Assert.Equal("env-" + name, settings.Environment);
                Assert.Equal(interval, settings.MetricsExportIntervalMs);
                Assert.Equal(rate, settings.TracesSampleRate);
                Assert.Equal(prometheus, settings.PrometheusEndpoint);
                Assert.Equal(http ? OtlpTransport.HttpProtobuf : OtlpTransport.Grpc, settings.Metrics.Transport);
                var expectedTraces = http ? $"http://{host}:{port}/v1/traces" : $"http://{host}:{port}/";
                Assert.Equal(expectedTraces, settings.Traces.Endpoint!.ToString());
            }, iter: 200);
    }

    [Fact]
    public void Http_protobuf_endpoints_get_their_signal_paths_unless_a_per_signal_endpoint_has_its_own()
    {
        var settings = Resolve(
            ("Observability:OtlpProtocol", "http/protobuf"),
            ("Observability:OtlpEndpoint", "http://collector:4318"),
            ("Observability:OtlpLogsEndpoint", "http://logs:9000/custom/path"),
            ("Observability:OtlpMetricsEndpoint", "http://metrics:9001"));
        Assert.Equal("http://collector:4318/v1/traces", settings.Traces.Endpoint!.ToString());
        Assert.Equal("http://metrics:9001/v1/metrics", settings.Metrics.Endpoint!.ToString());
        Assert.Equal("http://logs:9000/custom/path", settings.Logs.Endpoint!.ToString());
    }

    [Fact]
    public void Observability_keys_win_over_standard_otel_variables_which_win_over_defaults()
    {
        var fromOtel = Resolve(
            ("OTEL_SERVICE_NAME", "from-otel"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret,x-team=a%20b"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "5000"));
        Assert.Equal("from-otel", fromOtel.ServiceName);
        Assert.Equal("http://otel:4317/v1/traces", fromOtel.Traces.Endpoint!.ToString());
        Assert.Equal("secret", fromOtel.Headers["api-key"]);
        Assert.Equal("a b", fromOtel.Headers["x-team"]);
        Assert.Equal(0.25, fromOtel.TracesSampleRate);
        Assert.False(fromOtel.SamplerIgnoresParent);
        Assert.Equal(5000, fromOtel.MetricsExportIntervalMs);

        var both = Resolve(("OTEL_SERVICE_NAME", "from-otel"), ("Observability:ServiceName", "from-key"),
            ("OTEL_TRACES_SAMPLER", "always_off"), ("Observability:TracesSampleRate", "0.5"));
        Assert.Equal("from-key", both.ServiceName);
        Assert.Equal(0.5, both.TracesSampleRate);
    }

    [Theory]
    [InlineData("Observability:TracesSampleRate", "7", "Observability__TracesSampleRate")]
    [InlineData("Observability:TracesSampleRate", "abc", "Observability__TracesSampleRate")]
    [InlineData("Observability:OtlpEndpoint", "not a url", "Observability__OtlpEndpoint")]
    [InlineData("Observability:OtlpEndpoint", "ftp://x:1", "Observability__OtlpEndpoint")]
    [InlineData("Observability:OtlpProtocol", "carrier-pigeon", "Observability__OtlpProtocol")]
    [InlineData("Observability:MetricsExportIntervalMs", "-5", "Observability__MetricsExportIntervalMs")]
    [InlineData("Observability:Enabled", "maybe", "Observability__Enabled")]
    [InlineData("Logging:Format", "xml", "Logging__Format")]
    public void A_value_that_cannot_work_is_reported_by_key_and_replaced_never_thrown(string key, string value, string reportedKey)
    {
        var settings = Resolve((key, value));
        var problem = Assert.Single(settings.Problems);
        Assert.Contains(reportedKey, problem);
        Assert.Contains(value, problem);
        Assert.InRange(settings.TracesSampleRate, 0, 1);
        Assert.True(settings.MetricsExportIntervalMs >= 100);
    }

    [Fact]
    public void A_bad_endpoint_turns_that_exporter_off_and_leaves_the_others()
    {
        var settings = Resolve(("Observability:OtlpTracesEndpoint", "::nope::"));
        Assert.Null(settings.Traces.Endpoint);
        Assert.NotNull(settings.Metrics.Endpoint);
        Assert.NotNull(settings.Logs.Endpoint);
    }

    [Fact]
    public void Otel_sdk_disabled_turns_everything_off_unless_the_key_says_otherwise()
    {
        Assert.False(Resolve(("OTEL_SDK_DISABLED", "true")).Enabled);
        Assert.True(Resolve(("OTEL_SDK_DISABLED", "true"), ("Observability:Enabled", "true")).Enabled);
        Assert.False(Resolve(("Observability:Enabled", "false")).Enabled);
    }

    [Fact]
    public void Header_secrets_are_never_echoed_in_problems()
    {
        var settings = Resolve(("Observability:OtlpHeaders", "authorization=Bearer abc,justasecret"));
        Assert.Equal("Bearer abc", settings.Headers["authorization"]);
        var problem = Assert.Single(settings.Problems);
        Assert.DoesNotContain("justasecret", problem);
    }
}
