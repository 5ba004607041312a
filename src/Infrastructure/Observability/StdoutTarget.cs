using System.Buffers;
using System.Text;
using NLog;
using NLog.Common;
using NLog.Targets;

namespace CrudCqrs.Infrastructure.Observability;

/// <summary>
/// Writes each batch of rendered lines to stdout with one write call. NLog's console target goes
/// through <see cref="Console.Out"/>, whose 256-character buffer turns every log line into two
/// or three write system calls: under load that was a tenth of the service's CPU.
/// </summary>
internal sealed class StdoutTarget : TargetWithLayout
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly StringBuilder _text = new(capacity: 64 * 1024);
    private Stream? _stdout;

    public StdoutTarget(string name) => Name = name;

    protected override void InitializeTarget()
    {
        base.InitializeTarget();
        _stdout = Console.OpenStandardOutput();
    }

    protected override void CloseTarget()
    {
        _stdout?.Dispose();
        _stdout = null;
        base.CloseTarget();
    }

    protected override void Write(LogEventInfo logEvent)
    {
        _text.Clear();
        AppendLine(logEvent);
        Flush();
    }

    protected override void Write(IList<AsyncLogEventInfo> logEvents)
    {
        _text.Clear();
        try
        {
            foreach (var logEvent in logEvents)
            {
                AppendLine(logEvent.LogEvent);
            }
            Flush();
            foreach (var logEvent in logEvents)
            {
                logEvent.Continuation(null);
            }
        }
        catch (Exception exception)
        {
            foreach (var logEvent in logEvents)
            {
                logEvent.Continuation(exception);
            }
        }
    }

    private void AppendLine(LogEventInfo logEvent)
    {
        Layout.Render(logEvent, _text);
        _text.Append('\n');
    }

    private void Flush()
    {
        if (_stdout is null || _text.Length == 0)
        {
            return;
        }
        var bytes = ArrayPool<byte>.Shared.Rent(Utf8.GetMaxByteCount(_text.Length));
        try
        {
            var length = 0;
            foreach (var chunk in _text.GetChunks())
            {
                length += Utf8.GetBytes(chunk.Span, bytes.AsSpan(length));
            }
            _stdout.Write(bytes, 0, length);
            _stdout.Flush();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
