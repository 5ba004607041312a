#!/usr/bin/env python3
"""Groups a `perf record -g` profile of the service by component and prints microseconds per request.

Usage: attribute.py PERF_DATA CPU_MICROSECONDS_PER_REQUEST
Each sample is charged to the first frame, from the leaf up, that belongs to a component below
(so kernel time in a write system call is charged to whoever wrote). The service must run with
DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 for perf to name JIT-compiled frames.
"""
import collections
import re
import subprocess
import sys

COMPONENTS = [
    ("OTLP export (background)", r"BatchExportWorker|PeriodicExportingMetricReader|OtlpExporter|OtlpExportClient|Serializer\.ProtobufOtlp"),
    ("OpenTelemetry logs", r"OpenTelemetry\.Logs"),
    ("OpenTelemetry metrics", r"OpenTelemetry\.Metrics"),
    ("OpenTelemetry traces", r"OpenTelemetry\.Trace|OpenTelemetry\.Instrumentation|OpenTelemetry\b"),
    ("Activity and Meter API", r"System\.Diagnostics\.(Activity|Metrics|DiagnosticListener)"),
    ("HTTP span completion", r"HttpServerSpans"),
    ("NLog stdout writer thread", r"AsyncTargetWrapper::ProcessPendingEvents|AsyncTargetWrapper::WriteEventsInQueue|ConsoleTarget|NLog\.Targets\.Target::Write"),
    ("NLog on the request", r"NLog"),
    ("Microsoft.Extensions.Logging", r"Microsoft\.Extensions\.Logging"),
    ("SQLite", r"sqlite3|SQLitePCL|Microsoft\.Data\.Sqlite|libe_sqlite"),
    ("EF Core", r"EntityFrameworkCore"),
    ("JSON (System.Text.Json)", r"System\.Text\.Json"),
    ("Our code and the mediator", r"CrudCqrs|\[CrudCqrs|Mediator"),
    ("MVC (controllers)", r"Microsoft\.AspNetCore\.Mvc"),
    ("Authentication/authorization", r"Microsoft\.AspNetCore\.Authori|Microsoft\.AspNetCore\.Authen"),
    ("Other middleware and hosting", r"Microsoft\.AspNetCore\.(Diagnostics|Routing|HostFiltering|StaticFiles|Http\.|RateLimiting|Hosting)|Swashbuckle"),
    ("Dependency injection", r"Microsoft\.Extensions\.DependencyInjection"),
    ("Kestrel and sockets", r"Kestrel|System\.Net\.Sockets|System\.IO\.Pipelines|SocketAsyncEngine"),
    ("Thread pool", r"PortableThreadPool|LowLevelLifoSemaphore|ThreadPoolWorkQueue|WorkerThread"),
    ("Runtime (GC, JIT, stubs)", r"libcoreclr|libclrjit"),
]


def samples(path):
    out = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym,dso"], capture_output=True, text=True, check=True).stdout
    current = []
    for line in out.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            yield current
            current = []
    if current:
        yield current


def main():
    path, per_request = sys.argv[1], float(sys.argv[2])
    compiled = [(name, re.compile(pattern)) for name, pattern in COMPONENTS]
    counts, total = collections.Counter(), 0
    for stack in samples(path):
        total += 1
        owner = next((name for frame in stack for name, pattern in compiled if pattern.search(frame)), "Other (kernel, libc)")
        counts[owner] += 1
    print(f"{total} samples, {per_request:.1f} µs of service CPU per request")
    print("| component | share | µs per request |")
    print("|---|---:|---:|")
    for name, count in counts.most_common():
        print(f"| {name} | {100 * count / total:.1f} % | {per_request * count / total:.1f} |")


if __name__ == "__main__":
    main()
