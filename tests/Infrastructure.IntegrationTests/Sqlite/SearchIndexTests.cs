using CrudCqrs.Domain.Resources;
using CrudCqrs.Infrastructure.Persistence.Sqlite;
using CrudCqrs.TestSupport;

namespace CrudCqrs.Infrastructure.IntegrationTests.Sqlite;

/// <summary>
/// Search through the trigram index must answer exactly what the plain rule says: the resources
/// whose name or description contains the text, compared after ToLowerInvariant, every character
/// literal. Checked against that rule computed in .NET, after inserts, updates and deletes.
/// </summary>
public sealed class SearchIndexTests : IAsyncLifetime
{
    // Quotes, FTS and LIKE metacharacters, spaces, letters whose case folding is special, and
    // control characters (NUL ends a C string, which is how FTS5 reads its query).
    private const string Alphabet = "abcAB \"'%_*:^-(){}İıßΣσς€x\0\u0001\n";

    private SqliteTestDatabase _database = null!;
    private SqliteResourceRepository _repository = null!;
    private readonly Random _random = new(1234);
    private readonly Dictionary<Guid, Resource> _stored = [];

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _repository = _database.CreateRepository();
    }

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    [Fact]
    public async Task Search_answers_the_substring_rule_after_inserts_updates_and_deletes()
    {
        for (var i = 0; i < 150; i++)
        {
            var resource = Resource.Create(Guid.CreateVersion7(), RandomText(1, 12), _random.Next(3) == 0 ? null : RandomText(0, 20), [], DateTimeOffset.UtcNow);
            await _repository.AddAsync(resource, CancellationToken.None);
            _stored[resource.Id] = resource;
        }
        await CheckQueries();

        foreach (var resource in _stored.Values.Take(50).ToArray())
        {
            var updated = resource.Update(RandomText(1, 12), _random.Next(2) == 0 ? RandomText(1, 20) : null, null, DateTimeOffset.UtcNow);
            await _repository.UpdateAsync(updated, CancellationToken.None);
            _stored[updated.Id] = updated;
        }
        var doomed = _stored.Keys.Skip(50).Take(40).ToArray();
        await _repository.DeleteAsync(doomed, DateTimeOffset.UtcNow, CancellationToken.None);
        foreach (var id in doomed)
        {
            _stored.Remove(id);
        }
        await CheckQueries();
    }

    [Fact]
    public async Task Search_finds_a_quoted_phrase_and_nothing_for_absent_text()
    {
        var quoted = Resource.Create(Guid.CreateVersion7(), "say \"Hello\" 100%", "a_b", [], DateTimeOffset.UtcNow);
        var other = Resource.Create(Guid.CreateVersion7(), "say hello", null, [], DateTimeOffset.UtcNow);
        await _repository.AddAsync(quoted, CancellationToken.None);
        await _repository.AddAsync(other, CancellationToken.None);

        Assert.Equal([quoted.Id], (await _repository.SearchAsync("\"HELLO\" 100%", 0, 1000, CancellationToken.None)).Items.Select(r => r.Id));
        Assert.Equal(2, (await _repository.SearchAsync("Hello", 0, 1000, CancellationToken.None)).Items.Count);
        Assert.Empty((await _repository.SearchAsync("hello world", 0, 1000, CancellationToken.None)).Items);
        Assert.Empty((await _repository.SearchAsync("{NameKey} : x", 0, 1000, CancellationToken.None)).Items);
    }

    [Theory]
    [InlineData("ab\0")]
    [InlineData("\0ab")]
    [InlineData("\0\0\0")]
    [InlineData("a\0b\0c")]
    [InlineData("\0abc\0")]
    [InlineData("\0\u0001\n\t\u007f")]
    public async Task Search_text_with_control_characters_anywhere_answers_the_substring_rule(string text)
    {
        var holder = Resource.Create(Guid.CreateVersion7(), "x" + text + "x", null, [], DateTimeOffset.UtcNow);
        var other = Resource.Create(Guid.CreateVersion7(), "ab abc", text.Replace("\0", "", StringComparison.Ordinal), [], DateTimeOffset.UtcNow);
        await _repository.AddAsync(holder, CancellationToken.None);
        await _repository.AddAsync(other, CancellationToken.None);

        var first = await _repository.SearchAsync(text, 0, 1000, CancellationToken.None);
        var after = await _repository.SearchAfterAsync(text, long.MinValue, 1000, CancellationToken.None);

        Assert.Equal([holder.Id], first.Items.Select(r => r.Id));
        Assert.Equal([holder.Id], after.Items.Select(r => r.Id));
    }

    private async Task CheckQueries()
    {
        var stored = _stored.Values.ToArray();
        for (var q = 0; q < 120; q++)
        {
            string text;
            if (q % 2 == 0)
            {
                // A substring of something stored, in random case, so most queries match.
                var source = stored[_random.Next(stored.Length)];
                var field = source.Description is not null && _random.Next(2) == 0 ? source.Description : source.Name;
                var start = _random.Next(field.Length);
                text = RandomCase(field.Substring(start, 1 + _random.Next(Math.Min(6, field.Length - start))));
            }
            else
            {
                text = RandomText(1, 5);
            }
            var key = text.ToLowerInvariant();
            var expected = stored
                .Where(r => r.Name.ToLowerInvariant().Contains(key, StringComparison.Ordinal)
                    || (r.Description?.ToLowerInvariant().Contains(key, StringComparison.Ordinal) ?? false))
                .Select(r => r.Id).Order().ToArray();
            var actual = (await _repository.SearchAsync(text, 0, 1000, CancellationToken.None)).Items.Select(r => r.Id).Order().ToArray();
            Assert.True(expected.SequenceEqual(actual), $"Search for '{text}': expected {expected.Length} matches, got {actual.Length}.");
        }
    }

    private string RandomText(int min, int max)
    {
        var length = _random.Next(min, max + 1);
        var characters = new char[length];
        for (var i = 0; i < length; i++)
        {
            characters[i] = Alphabet[_random.Next(Alphabet.Length)];
        }
        // Names are trimmed by the domain; keep generated text free of edge blanks so it stays valid.
        var text = new string(characters).Trim();
        return text.Length >= min ? text : "x" + text;
    }

    private string RandomCase(string text) =>
        string.Concat(text.Select(c => _random.Next(2) == 0 ? char.ToUpperInvariant(c) : c));
}
