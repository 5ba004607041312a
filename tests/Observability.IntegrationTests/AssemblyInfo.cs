// Every host and harness in this assembly names its meter "CrudCqrs", and an OpenTelemetry
// MeterProvider listens by name: run one test at a time so no test sees another's measurements.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
