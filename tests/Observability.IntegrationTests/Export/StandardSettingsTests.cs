using System.Net.Http.Json;
using CrudCqrs.Observability.IntegrationTests.Receivers;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Observability.IntegrationTests.Export;

/// <summary>
/// The service started with standard OTEL_* variables only, as an operator would, and what the
/// real receiver got: the SDK reads them, our defaults never override them.
/// </summary>
[Collection(AspireDashboardCollection.Name)]
public sealed class StandardSettingsTests(AspireDashboardReceiver receiver)
{
    [SkippableFact]
    public async Task Resource_attributes_per_signal_endpoints_protocol_and_sampler_come_from_the_standard_variables()
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        var serviceName = $"std-{Guid.NewGuid():N}"[..20];
        await using var service = await ServiceProcess.StartAsync(new ServiceOptions
        {
            Environment = "Staging",
            Settings = new Dictionary<string, string?>
            {
                ["Observability__OtlpEndpoint"] = null,
                ["OTEL_SERVICE_NAME"] = serviceName,
                ["OTEL_RESOURCE_ATTRIBUTES"] = "service.version=9.9.9,team=payments",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                // The shared endpoint goes nowhere: what arrives came through a per-signal endpoint,
                // which the specification says to use as given (a /v1/logs appended again would 404).
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
                ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = receiver.HttpLogsEndpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = receiver.HttpTracesEndpoint.ToString(),
                ["OTEL_TRACES_SAMPLER"] = "always_off",
            },
        });

        var created = await service.Client.PostAsJsonAsync("/api/resources", new { name = "standard" });
        created.EnsureSuccessStatusCode();
        var trace = created.Headers.GetValues("X-Trace-Id").Single();
        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));

        var completed = await receiver.WaitForLogAsync(l => l.ServiceName == serviceName && l.TraceId == trace
            && l.Attributes.TryGetValue("status", out var status) && status == "success");
        Assert.Equal("9.9.9", completed.ResourceAttributes["service.version"]);
        Assert.Equal("payments", completed.ResourceAttributes["team"]);
        Assert.Equal("staging", completed.ResourceAttributes["deployment.environment.name"]);
        Assert.True(Guid.TryParse(completed.ResourceAttributes["service.instance.id"], out _), completed.ToString());
        // always_off: the logs carry the trace id, yet not one span was exported.
        Assert.DoesNotContain(await receiver.GetSpansAsync(), s => s.ServiceName == serviceName);
    }

    [SkippableFact]
    public async Task The_sample_rate_key_becomes_the_sdks_parent_based_ratio_sampler()
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        var serviceName = $"ratio-{Guid.NewGuid():N}"[..20];
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__ServiceName"] = serviceName,
            ["Observability__OtlpEndpoint"] = receiver.GrpcEndpoint.ToString(),
            ["Observability__TracesSampleRate"] = "0",
            // Observability__ wins where both are given.
            ["OTEL_TRACES_SAMPLER"] = "always_on",
            // Callers' sampled flags are followed only when they are trusted (CallerSamplingTests).
            ["Observability__TrustCallerSampling"] = "true",
        });

        var unsampled = await service.Client.PostAsJsonAsync("/api/resources", new { name = "root" });
        var unsampledTrace = unsampled.Headers.GetValues("X-Trace-Id").Single();
        const string sampledTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/resources") { Content = JsonContent.Create(new { name = "child" }) };
        request.Headers.Add("traceparent", $"00-{sampledTrace}-00f067aa0ba902b7-01");
        (await service.Client.SendAsync(request)).EnsureSuccessStatusCode();
        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));

        // A trusted caller's sampled parent is followed at rate 0; a new root is not sampled.
        await receiver.WaitForSpanAsync(s => s.TraceId == sampledTrace && s.Name == "create_resource");
        Assert.DoesNotContain(await receiver.GetSpansAsync(), s => s.TraceId == unsampledTrace);
    }

    [SkippableFact]
    public async Task Exporter_headers_come_from_the_standard_variable()
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        // A receiver of its own that refuses OTLP requests without its key.
        var secured = new AspireDashboardReceiver { OtlpApiKey = Guid.NewGuid().ToString("N") };
        try
        {
            await secured.InitializeAsync();
            Skip.If(secured.SkipReason is not null, secured.SkipReason);
            var withKey = await RunOneCreateAsync(secured, $"key-{Guid.NewGuid():N}"[..20], $"x-otlp-api-key={secured.OtlpApiKey}");
            var withoutKey = await RunOneCreateAsync(secured, $"nokey-{Guid.NewGuid():N}"[..20], "x-otlp-api-key=wrong");

            await secured.WaitForSpanAsync(s => s.ServiceName == withKey);
            Assert.DoesNotContain(await secured.GetSpansAsync(), s => s.ServiceName == withoutKey);
            Assert.DoesNotContain(await secured.GetLogsAsync(), l => l.ServiceName == withoutKey);
        }
        finally
        {
            secured.Dispose();
        }
    }

    [SkippableFact]
    public async Task Per_signal_protocol_and_headers_come_from_the_standard_variables()
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        var secured = new AspireDashboardReceiver { OtlpApiKey = Guid.NewGuid().ToString("N") };
        try
        {
            await secured.InitializeAsync();
            Skip.If(secured.SkipReason is not null, secured.SkipReason);
            var key = $"x-otlp-api-key={secured.OtlpApiKey}";
            var serviceName = $"signal-{Guid.NewGuid():N}"[..20];
            await using (var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
            {
                ["Observability__OtlpEndpoint"] = null,
                ["OTEL_SERVICE_NAME"] = serviceName,
                // Shared settings: HTTP/protobuf with a key the receiver refuses.
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = secured.HttpEndpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=wrong",
                // Traces: their own protocol (gRPC, to the gRPC port) and the right key.
                ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "grpc",
                ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = secured.GrpcEndpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = key,
                // Logs: the shared protocol and endpoint, their own key.
                ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = key,
            }))
            {
                (await service.Client.PostAsJsonAsync("/api/resources", new { name = "per-signal" })).EnsureSuccessStatusCode();
                Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));
            }

            await secured.WaitForSpanAsync(s => s.ServiceName == serviceName && s.Name == "create_resource");
            await secured.WaitForLogAsync(l => l.ServiceName == serviceName);
            // Metrics kept the shared (wrong) key: the receiver refused them.
            var resource = Assert.Single(await secured.GetResourcesAsync(), r => r.Name == serviceName);
            Assert.True(resource.HasTraces && resource.HasLogs, resource.ToString());
            Assert.False(resource.HasMetrics, resource.ToString());
        }
        finally
        {
            secured.Dispose();
        }
    }

    [SkippableFact]
    public async Task The_batch_processors_delays_come_from_the_standard_variables()
    {
        Skip.If(receiver.SkipReason is not null, receiver.SkipReason);
        var serviceName = $"delay-{Guid.NewGuid():N}"[..20];
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__OtlpEndpoint"] = null,
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint.ToString(),
            // Ten minutes instead of the default five seconds: nothing leaves before the shutdown flush.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "600000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "600000",
        });
        var created = await service.Client.PostAsJsonAsync("/api/resources", new { name = "delayed" });
        created.EnsureSuccessStatusCode();
        var trace = created.Headers.GetValues("X-Trace-Id").Single();

        // Past the default delay and a margin: with the defaults both would have arrived by now.
        await Task.Delay(TimeSpan.FromSeconds(9));
        Assert.Empty(await receiver.GetSpansAsync(trace));
        Assert.Empty(await receiver.GetLogsAsync(trace));

        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));
        await receiver.WaitForSpanAsync(s => s.TraceId == trace && s.Name == "create_resource");
        await receiver.WaitForLogAsync(l => l.TraceId == trace);
    }

    /// <summary>One create through a service that exports with the given headers; the service is stopped (flushed) when this returns.</summary>
    private static async Task<string> RunOneCreateAsync(AspireDashboardReceiver target, string serviceName, string headers)
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__OtlpEndpoint"] = null,
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = target.GrpcEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_HEADERS"] = headers,
        });
        (await service.Client.PostAsJsonAsync("/api/resources", new { name = "headers" })).EnsureSuccessStatusCode();
        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));
        return serviceName;
    }
}
