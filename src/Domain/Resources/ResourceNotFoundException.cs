namespace CrudCqrs.Domain.Resources;

public sealed class ResourceNotFoundException : DomainException
{
    /// <summary>An id is 36 characters; anything longer than this is cut, so an answer never echoes kilobytes.</summary>
    public const int MaxEchoedIdLength = 64;

    public ResourceNotFoundException(string resourceId) : base($"Resource '{Echo(resourceId)}' was not found.") =>
        ResourceId = Echo(resourceId);

    public ResourceNotFoundException(Guid id) : this(id.ToString())
    {
    }

    /// <summary>
    /// The id as the client sent it (it may not even be a well-formed id); one longer than
    /// <see cref="MaxEchoedIdLength"/> characters is cut there and ends in '…'.
    /// </summary>
    public string ResourceId { get; }

    private static string Echo(string id)
    {
        if (id.Length <= MaxEchoedIdLength)
        {
            return id;
        }
        // Never split a surrogate pair: the echo must stay valid UTF-16 to be written as JSON.
        var cut = char.IsHighSurrogate(id[MaxEchoedIdLength - 1]) ? MaxEchoedIdLength - 1 : MaxEchoedIdLength;
        return string.Concat(id.AsSpan(0, cut), "…");
    }
}
