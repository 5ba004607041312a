using System.Collections;

namespace CrudCqrs.Application.Behaviors;

/// <summary>
/// A log line's structured fields (the template last, under <c>{OriginalFormat}</c>, as
/// <c>LoggerMessage</c> gives it) and its message, built once and shared by every provider.
/// </summary>
internal sealed class OperationLine(string template, KeyValuePair<string, object?>[] fields, string message)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public static readonly Func<OperationLine, Exception?, string> Format = static (line, _) => line.Message;

    public string Message { get; } = message;

    public int Count => fields.Length + 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == fields.Length ? new("{OriginalFormat}", template) : fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
