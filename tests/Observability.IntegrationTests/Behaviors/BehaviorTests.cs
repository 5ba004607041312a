using System.Diagnostics;
using CrudCqrs.Application.Abstractions;
using CrudCqrs.Application.Behaviors;
using CrudCqrs.Application.Diagnostics;
using CrudCqrs.Application.Resources;
using CrudCqrs.Application.Resources.CreateResource;
using CrudCqrs.Application.Resources.DeleteResource;
using CrudCqrs.Application.Resources.GetResource;
using CrudCqrs.Application.Resources.SearchResources;
using CrudCqrs.Domain.Resources;
using CrudCqrs.TestSupport;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Observability.IntegrationTests.Behaviors;

public sealed class TracingBehaviorTests : IDisposable
{
    private readonly BehaviorHarness _harness = new();

    [Fact]
    public async Task A_successful_operation_gets_one_span_named_for_it_with_its_attributes()
    {
        var id = Guid.NewGuid();
        var behavior = new TracingBehavior<GetResourceQuery, ResourceDto>(_harness.Telemetry);
        OperationScope? scopeSeenByHandler = null;

        await behavior.Handle(new GetResourceQuery(id.ToString()), (_, _) =>
        {
            scopeSeenByHandler = OperationScope.Current;
            OperationFacts.SetResourceId(id);
            return ValueTask.FromResult(new ResourceDto(id, "n", null, [], DateTime.UtcNow, DateTime.UtcNow));
        }, CancellationToken.None);

        var span = Assert.Single(_harness.OwnSpans, s => s.Source.Name == CrudTelemetry.SourceName);
        Assert.Equal("read_resource", span.DisplayName);
        Assert.Equal(_harness.Parent.SpanId, span.ParentSpanId);
        Assert.Equal("read", span.GetTagItem("operation.type"));
        Assert.Equal("sqlite", span.GetTagItem("store.type"));
        Assert.DoesNotContain(span.Tags, tag => tag.Key.StartsWith("db.", StringComparison.Ordinal));
        Assert.Equal(id.ToString(), span.GetTagItem("resource.id"));
        Assert.Equal(ActivityStatusCode.Ok, span.Status);
        Assert.NotNull(scopeSeenByHandler);
        Assert.Same(span, scopeSeenByHandler!.Activity);
    }

    [Fact]
    public async Task A_failure_marks_the_span_as_error_with_its_category_and_the_exception()
    {
        var behavior = new TracingBehavior<CreateResourceCommand, ResourceDto>(_harness.Telemetry);
        var cycle = new CircularDependencyException([Guid.NewGuid(), Guid.NewGuid()]);

        await Assert.ThrowsAsync<CircularDependencyException>(() =>
            behavior.Handle(new CreateResourceCommand("n", null, null), (_, _) => throw cycle, CancellationToken.None).AsTask());

        var span = Assert.Single(_harness.OwnSpans, s => s.DisplayName == "create_resource");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("circular_dependency", span.GetTagItem("error.type"));
        var exceptionEvent = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Contains(exceptionEvent.Tags, t => t.Key == "exception.type" && (string?)t.Value == typeof(CircularDependencyException).FullName);
    }

    [Fact]
    public async Task Message_specific_attributes_are_recorded()
    {
        await new TracingBehavior<DeleteResourceCommand, DeleteResult>(_harness.Telemetry)
            .Handle(new DeleteResourceCommand(Guid.NewGuid().ToString(), Cascade: true), (_, _) => ValueTask.FromResult(new DeleteResult(3)), CancellationToken.None);
        await new TracingBehavior<SearchResourcesQuery, PagedResult>(_harness.Telemetry)
            .Handle(new SearchResourcesQuery("front"), (_, _) => ValueTask.FromResult(new PagedResult([], 0)), CancellationToken.None);

        Assert.Equal(true, Assert.Single(_harness.OwnSpans, s => s.DisplayName == "delete_resource").GetTagItem("cascade.enabled"));
        var search = Assert.Single(_harness.OwnSpans, s => s.DisplayName == "search_resources");
        Assert.Null(search.GetTagItem("search.query"));
        Assert.Equal(5, search.GetTagItem("search.query.length"));
        Assert.Equal(false, search.GetTagItem("search.query.blank"));
    }

    [Fact]
    public async Task Search_text_is_recorded_only_when_the_privacy_setting_allows_it()
    {
        await new TracingBehavior<SearchResourcesQuery, PagedResult>(_harness.Telemetry, privacy: new TelemetryPrivacy(RecordSearchText: true))
            .Handle(new SearchResourcesQuery("front"), (_, _) => ValueTask.FromResult(new PagedResult([], 0)), CancellationToken.None);
        await new TracingBehavior<SearchResourcesQuery, PagedResult>(_harness.Telemetry)
            .Handle(new SearchResourcesQuery("   "), (_, _) => ValueTask.FromResult(new PagedResult([], 0)), CancellationToken.None);

        var spans = _harness.OwnSpans.Where(s => s.DisplayName == "search_resources").ToArray();
        Assert.Equal("front", spans[0].GetTagItem("search.query"));
        Assert.Null(spans[1].GetTagItem("search.query"));
        Assert.Equal(3, spans[1].GetTagItem("search.query.length"));
        Assert.Equal(true, spans[1].GetTagItem("search.query.blank"));
    }

    [Fact]
    public async Task Steps_started_by_inner_code_are_children_of_the_operation_span()
    {
        await new TracingBehavior<GetResourceQuery, ResourceDto>(_harness.Telemetry).Handle(new GetResourceQuery("x"), (_, _) =>
        {
            using (OperationFacts.StartStep("cycle_check"))
            {
            }
            return ValueTask.FromResult(new ResourceDto(Guid.Empty, "n", null, [], DateTime.UtcNow, DateTime.UtcNow));
        }, CancellationToken.None);

        var operation = Assert.Single(_harness.OwnSpans, s => s.DisplayName == "read_resource");
        var step = Assert.Single(_harness.OwnSpans, s => s.DisplayName == "cycle_check");
        Assert.Equal(operation.SpanId, step.ParentSpanId);
    }

    public sealed record PingCommand : Mediator.ICommand;

    [Fact]
    public async Task Commands_without_a_result_are_instrumented_too()
    {
        var tracing = new TracingBehavior<PingCommand, Mediator.Unit>(_harness.Telemetry);
        var metrics = new MetricsBehavior<PingCommand, Mediator.Unit>(_harness.Telemetry);

        await tracing.Handle(new PingCommand(), (m, ct) => metrics.Handle(m, (_, _) => ValueTask.FromResult(Mediator.Unit.Value), ct), CancellationToken.None);

        var span = Assert.Single(_harness.OwnSpans, s => s.Source.Name == CrudTelemetry.SourceName);
        Assert.Equal("ping", span.DisplayName);
        Assert.Equal(1, MetricTotals.Sum(_harness.CollectMetrics(), "crud.operation.count", ("operation.type", "other"), ("status", "success")));
    }

    public void Dispose() => _harness.Dispose();
}

public sealed class MetricsBehaviorTests : IDisposable
{
    private readonly BehaviorHarness _harness = new();

    [Fact]
    public async Task Success_records_duration_and_count_and_moves_the_resource_total()
    {
        var behavior = new MetricsBehavior<CreateResourceCommand, ResourceDto>(_harness.Telemetry);
        for (var i = 0; i < 3; i++)
        {
            await new TracingBehavior<CreateResourceCommand, ResourceDto>(_harness.Telemetry).Handle(new CreateResourceCommand("n", null, null), (m, ct) =>
                behavior.Handle(m, (_, _) =>
                {
                    OperationFacts.SetCreated(Guid.NewGuid());
                    return ValueTask.FromResult(new ResourceDto(Guid.Empty, "n", null, [], DateTime.UtcNow, DateTime.UtcNow));
                }, ct), CancellationToken.None);
        }

        var metrics = _harness.CollectMetrics();
        (string, object)[] success = [("operation.type", "create"), ("db.type", "sqlite"), ("status", "success")];
        Assert.Equal(3, MetricTotals.Sum(metrics, "crud.operation.duration", success));
        Assert.Equal(3, MetricTotals.Sum(metrics, "crud.operation.count", success));
        Assert.Equal(0, MetricTotals.Sum(metrics, "crud.operation.errors"));
        var duration = metrics.Single(m => m.Name == "crud.operation.duration");
        Assert.Equal("s", duration.Unit);
    }

    [Fact]
    public async Task Failure_counts_an_error_with_its_category_and_a_cascade_records_how_many_went()
    {
        var create = new MetricsBehavior<CreateResourceCommand, ResourceDto>(_harness.Telemetry);
        await Assert.ThrowsAsync<ValidationException>(() => create.Handle(new CreateResourceCommand("", null, null),
            (_, _) => throw new ValidationException([new ValidationFailure("name", "required")]), CancellationToken.None).AsTask());

        var delete = new MetricsBehavior<DeleteResourceCommand, DeleteResult>(_harness.Telemetry);
        await new TracingBehavior<DeleteResourceCommand, DeleteResult>(_harness.Telemetry).Handle(new DeleteResourceCommand("x", true), (m, ct) =>
            delete.Handle(m, (_, _) =>
            {
                OperationFacts.SetDeleted(4, cascade: true);
                return ValueTask.FromResult(new DeleteResult(4));
            }, ct), CancellationToken.None);

        var metrics = _harness.CollectMetrics();
        Assert.Equal(1, MetricTotals.Sum(metrics, "crud.operation.errors", ("operation.type", "create"), ("error.type", "validation")));
        Assert.Equal(1, MetricTotals.Sum(metrics, "crud.operation.count", ("operation.type", "create"), ("status", "error"), ("error.type", "validation")));
        Assert.Equal(1, MetricTotals.Sum(metrics, "crud.operation.duration", ("operation.type", "create"), ("status", "error")));
        // The resource total is the store's own count, read at collection (PipelinePropertyTests), never moved by a behavior.
        Assert.DoesNotContain(metrics, m => m.Name == "crud.resources.total");
        var cascade = metrics.Single(m => m.Name == "crud.cascade.delete.count").MetricPoints.Single();
        Assert.Equal(1, cascade.GetHistogramCount());
        Assert.Equal(4, cascade.GetHistogramSum());
    }

    public void Dispose() => _harness.Dispose();
}

public sealed class LoggingBehaviorTests : IDisposable
{
    private readonly BehaviorHarness _harness = new();
    private readonly CapturingLogger<LoggingBehavior<GetResourceQuery, ResourceDto>> _logger = new();

    [Fact]
    public async Task An_operation_logs_start_and_completion_with_its_fields()
    {
        var id = Guid.NewGuid();
        var behavior = new LoggingBehavior<GetResourceQuery, ResourceDto>(_logger, _harness.Telemetry);
        await new TracingBehavior<GetResourceQuery, ResourceDto>(_harness.Telemetry).Handle(new GetResourceQuery(id.ToString()), (m, ct) =>
            behavior.Handle(m, (_, _) =>
            {
                OperationFacts.SetResourceId(id);
                return ValueTask.FromResult(new ResourceDto(id, "n", null, [], DateTime.UtcNow, DateTime.UtcNow));
            }, ct), CancellationToken.None);

        Assert.Equal(2, _logger.Entries.Count);
        var (startLevel, start, _, _) = _logger.Entries[0];
        var (endLevel, end, endException, _) = _logger.Entries[1];
        Assert.Equal(LogLevel.Information, startLevel);
        Assert.Equal("read", start["operation.type"]);
        Assert.Equal(LogLevel.Information, endLevel);
        Assert.Equal("read", end["operation.type"]);
        Assert.Equal(id.ToString(), end["resource.id"]);
        Assert.Equal("success", end["status"]);
        Assert.Equal("sqlite", end["db.type"]);
        Assert.IsType<double>(end["duration_ms"]);
        Assert.True((double)end["duration_ms"]! >= 0);
        Assert.Null(endException);
    }

    [Fact]
    public async Task A_fault_logs_its_category_and_the_exception_with_its_stack_at_error_level()
    {
        var failure = new InvalidOperationException("boom");
        var behavior = new LoggingBehavior<GetResourceQuery, ResourceDto>(_logger, _harness.Telemetry);
        await Assert.ThrowsAnyAsync<Exception>(() => behavior.Handle(new GetResourceQuery("nope"), (_, _) => throw failure, CancellationToken.None).AsTask());

        var entry = _logger.Entries[^1];
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("internal", entry.Fields["error.type"]);
        Assert.Equal("error", entry.Fields["status"]);
        Assert.Same(failure, entry.Exception);
        Assert.NotNull(entry.Exception!.StackTrace);
    }

    public static TheoryData<string, Exception> Refusals => new()
    {
        { "not_found", new ResourceNotFoundException(Guid.NewGuid()) },
        { "validation", new ValidationException([new ValidationFailure("name", "'name' must have 1 to 100 characters."), new ValidationFailure("dependencies[2]", "Not an id.")]) },
        { "circular_dependency", new CircularDependencyException([Guid.NewGuid(), Guid.NewGuid()]) },
        { "precondition_failed", new PreconditionFailedException(Guid.NewGuid()) },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refusal_is_one_information_line_with_its_category_and_message_and_no_exception(string expectedType, Exception refusal)
    {
        var behavior = new LoggingBehavior<GetResourceQuery, ResourceDto>(_logger, _harness.Telemetry);
        await Assert.ThrowsAnyAsync<Exception>(() => behavior.Handle(new GetResourceQuery("nope"), (_, _) => throw refusal, CancellationToken.None).AsTask());

        var entry = _logger.Entries[^1];
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(expectedType, entry.Fields["error.type"]);
        Assert.Equal("error", entry.Fields["status"]);
        Assert.Null(entry.Exception);
        var message = Assert.IsType<string>(entry.Fields["error.message"]);
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain(message, char.IsControl);
        Assert.Contains(message, entry.Message);
        Assert.DoesNotContain(entry.Message, char.IsControl);
    }

    [Fact]
    public async Task A_validation_refusal_names_each_field_and_its_message()
    {
        var behavior = new LoggingBehavior<GetResourceQuery, ResourceDto>(_logger, _harness.Telemetry);
        var refusal = new ValidationException([new ValidationFailure("name", "'name' must have 1 to 100 characters."), new ValidationFailure("dependencies[2]", "Not an id.")]);
        await Assert.ThrowsAnyAsync<Exception>(() => behavior.Handle(new GetResourceQuery("nope"), (_, _) => throw refusal, CancellationToken.None).AsTask());

        Assert.Equal("name: 'name' must have 1 to 100 characters.; dependencies[2]: Not an id.", _logger.Entries[^1].Fields["error.message"]);
    }

    [Fact]
    public async Task An_id_that_does_not_parse_is_named_as_such_without_echoing_it_whole()
    {
        var sent = "\u001b[31m" + new string('x', 20_000) + "\r\nFAKE LINE";
        var behavior = new LoggingBehavior<GetResourceQuery, ResourceDto>(_logger, _harness.Telemetry);
        await Assert.ThrowsAnyAsync<Exception>(() => behavior.Handle(new GetResourceQuery(sent), (_, _) => throw new ResourceNotFoundException(sent), CancellationToken.None).AsTask());

        var entry = _logger.Entries[^1];
        Assert.Contains("unparsable id", entry.Message);
        Assert.DoesNotContain("(null)", entry.Message);
        Assert.DoesNotContain(entry.Message, char.IsControl);
        Assert.True(entry.Message.Length < 400, entry.Message);
        var message = Assert.IsType<string>(entry.Fields["error.message"]);
        Assert.DoesNotContain(message, char.IsControl);
        Assert.True(message.Length < 200, message);
        Assert.False(entry.Fields.TryGetValue("resource.id", out var id) && id is not null);
    }

    [Fact]
    public async Task An_operation_without_a_resource_says_nothing_about_one()
    {
        var logger = new CapturingLogger<LoggingBehavior<SearchResourcesQuery, PagedResult>>();
        var behavior = new LoggingBehavior<SearchResourcesQuery, PagedResult>(logger, _harness.Telemetry);
        await behavior.Handle(new SearchResourcesQuery("a"), (_, _) => ValueTask.FromResult(new PagedResult([], 0)), CancellationToken.None);

        Assert.All(logger.Entries, e => Assert.DoesNotContain("(null)", e.Message));
        Assert.StartsWith("Operation search (sqlite) completed in ", logger.Entries[^1].Message, StringComparison.Ordinal);
    }

    public void Dispose() => _harness.Dispose();
}

/// <summary>Keeps each log call's level, structured fields and exception.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, IReadOnlyDictionary<string, object?> Fields, Exception? Exception, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(p => p.Key, p => p.Value)
            : new Dictionary<string, object?>();
        lock (Entries)
        {
            Entries.Add((logLevel, fields, exception, formatter(state, exception)));
        }
    }
}
