using OpenTelemetry.Metrics;

namespace CrudCqrs.TestSupport;

/// <summary>Totals over the metric snapshots an in-memory exporter collected.</summary>
public static class MetricTotals
{
    /// <summary>Sum of a counter, or the number of recordings of a histogram, over the points that carry all <paramref name="tags"/>.</summary>
    public static long Sum(IEnumerable<MetricSnapshot> metrics, string name, params (string Key, object Value)[] tags)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.MetricPoints)
            {
                if (!tags.All(t => HasTag(point, t.Key, t.Value)))
                {
                    continue;
                }
                total += metric.MetricType switch
                {
                    MetricType.Histogram or MetricType.ExponentialHistogram => point.GetHistogramCount(),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    _ => (long)point.GetSumDouble(),
                };
            }
        }
        return total;
    }

    public static bool HasTag(MetricPoint point, string key, object value)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key && Equals(tag.Value?.ToString(), value.ToString()))
            {
                return true;
            }
        }
        return false;
    }
}
