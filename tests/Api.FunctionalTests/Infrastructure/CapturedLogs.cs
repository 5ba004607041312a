using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CrudCqrs.Api.FunctionalTests.Infrastructure;

/// <summary>
/// A logging provider that keeps what the host writes at Warning and above (after the host's
/// own level filters), so a test can require that some input never produced an Error line.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogs.Entry> _entries = new();

    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception)
    {
        public override string ToString() =>
            $"{Level} {Category}: {(Message.Length > 300 ? Message[..300] + "…" : Message)}{(Exception is null ? "" : " / " + Exception.GetType().Name + ": " + Exception.Message)}";
    }

    /// <summary>Everything captured since the last call, oldest first; the capture starts empty again.</summary>
    public IReadOnlyList<Entry> Drain()
    {
        var drained = new List<Entry>();
        while (_entries.TryDequeue(out var entry))
        {
            drained.Add(entry);
        }
        return drained;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
            }
        }
    }
}
