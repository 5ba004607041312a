namespace CrudCqrs.Benchmarks;

public enum TelemetryMode
{
    Off,
    /// <summary>As the service ships: spans, metrics with trace-based exemplars on every instrument, logs.</summary>
    On,
    /// <summary>Trace-based exemplars on histograms only (the SDK's experimental histogram filter).</summary>
    OnHistogramExemplarsOnly,
    /// <summary>One signal at a time, to tell which one is shared between threads.</summary>
    SpansOnly,
    MetricsOnly,
    LogsOnly,
    /// <summary>
    /// Spans only, each thread's into a batch processor of its own: what a queue per core (not an
    /// SDK option) would buy against <see cref="SpansOnly"/>.
    /// </summary>
    SpansOnlyQueuePerThread,
}
