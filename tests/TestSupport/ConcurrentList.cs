namespace CrudCqrs.TestSupport;

/// <summary>A collection the SDK's in-memory exporters can add to from request threads while a test reads it.</summary>
public sealed class ConcurrentList<T> : ICollection<T>
{
    private readonly List<T> _items = [];
    private readonly Lock _gate = new();

    public int Count { get { lock (_gate) { return _items.Count; } } }
    public bool IsReadOnly => false;

    public void Add(T item) { lock (_gate) { _items.Add(item); } }
    public void Clear() { lock (_gate) { _items.Clear(); } }
    public bool Contains(T item) { lock (_gate) { return _items.Contains(item); } }
    public void CopyTo(T[] array, int arrayIndex) { lock (_gate) { _items.CopyTo(array, arrayIndex); } }
    public bool Remove(T item) { lock (_gate) { return _items.Remove(item); } }
    public T[] Snapshot() { lock (_gate) { return [.. _items]; } }
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Snapshot()).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
