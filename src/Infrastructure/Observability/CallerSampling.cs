using OpenTelemetry.Trace;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// The sampler for <c>Observability__TracesSampleRate</c>: a request continues its caller's trace
/// id either way, but a caller's "sampled" flag (in <c>traceparent</c>) decides only when callers
/// are trusted (<c>Observability__TrustCallerSampling</c>). Otherwise the rate decides on the trace
/// id, so an outside caller cannot force every one of its requests into the trace pipeline (nor
/// keep them out of it). Parents inside this process are always followed.
/// </summary>
internal sealed class CallerSampling(double rate, bool trustCallers) : Sampler
{
    private readonly Sampler _ratio = new TraceIdRatioBasedSampler(rate);
    private readonly Sampler _parentBased = new ParentBasedSampler(new TraceIdRatioBasedSampler(rate));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        !trustCallers && samplingParameters.ParentContext.IsRemote
            ? _ratio.ShouldSample(samplingParameters)
            : _parentBased.ShouldSample(samplingParameters);
}
