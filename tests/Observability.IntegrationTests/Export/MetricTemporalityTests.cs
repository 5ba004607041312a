using System.Net.Http.Json;
using CrudCqrs.TestSupport;
using Google.Protobuf;

namespace CrudCqrs.Observability.IntegrationTests.Export;

/// <summary>
/// <c>OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE</c> reaches the SDK's metric reader. The
/// Aspire Dashboard's API does not show temporality, so these tests read it off the wire: the
/// service exports OTLP/HTTP to an endpoint that keeps the request bodies, and the
/// <c>aggregation_temporality</c> field of our counter and histogram is decoded from them.
/// </summary>
public sealed class MetricTemporalityTests
{
    private const int Delta = 1;
    private const int Cumulative = 2;

    [Theory]
    [InlineData(null, Cumulative)]
    [InlineData("delta", Delta)]
    [InlineData("cumulative", Cumulative)]
    public async Task The_standard_variable_chooses_the_temporality_of_exported_metrics(string? preference, int expected)
    {
        await using var capture = await OtlpBodyCapture.StartAsync();
        await using (var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Observability__OtlpEndpoint"] = null,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = capture.BaseAddress,
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"] = preference,
        }))
        {
            (await service.Client.PostAsJsonAsync("/api/resources", new { name = "temporality" })).EnsureSuccessStatusCode();
            Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(30)));
        }

        var metrics = capture.Bodies("/v1/metrics").SelectMany(OtlpMetricsWire.Temporalities).ToList();
        Assert.Contains(metrics, m => m.Name == "crud.operation.count");
        Assert.All(metrics.Where(m => m.Name is "crud.operation.count" or "crud.operation.duration"),
            metric => Assert.Equal(expected, metric.Temporality));
    }

    /// <summary>
    /// Just enough of the OTLP metrics message to find each metric's temporality:
    /// request(1: resource_metrics) → (2: scope_metrics) → (2: metrics) → name (1), sum (7) or
    /// histogram (9) → aggregation_temporality (2).
    /// </summary>
    private static class OtlpMetricsWire
    {
        public static IEnumerable<(string Name, int Temporality)> Temporalities(byte[] request)
        {
            foreach (var resourceMetrics in Messages(ByteString.CopyFrom(request), 1))
            foreach (var scopeMetrics in Messages(resourceMetrics, 2))
            foreach (var metric in Messages(scopeMetrics, 2))
            {
                var name = Messages(metric, 1).Select(n => n.ToStringUtf8()).Single();
                foreach (var data in Messages(metric, 7).Concat(Messages(metric, 9)))
                {
                    yield return (name, Varints(data, 2).Select(v => (int)v).SingleOrDefault());
                }
            }
        }

        private static List<ByteString> Messages(ByteString message, int field)
        {
            var found = new List<ByteString>();
            Walk(message, (tag, input) =>
            {
                if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    found.Add(input.ReadBytes());
                    return true;
                }
                return false;
            });
            return found;
        }

        private static List<ulong> Varints(ByteString message, int field)
        {
            var found = new List<ulong>();
            Walk(message, (tag, input) =>
            {
                if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
                {
                    found.Add(input.ReadUInt64());
                    return true;
                }
                return false;
            });
            return found;
        }

        private static void Walk(ByteString message, Func<uint, CodedInputStream, bool> take)
        {
            var input = message.CreateCodedInput();
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (!take(tag, input))
                {
                    input.SkipLastField();
                }
            }
        }
    }
}
