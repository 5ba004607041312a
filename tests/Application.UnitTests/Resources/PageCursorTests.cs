using CrudCqrs.Application.Resources;
using CrudCqrs.Domain.Resources;
using CsCheck;

namespace CrudCqrs.Application.UnitTests.Resources;

public sealed class PageCursorTests
{
    [Fact]
    public void A_cursor_decodes_to_the_position_of_the_resource_it_was_made_from()
    {
        Gen.Select(Gen.Guid, Gen.Long[0, 253402300799999]).Sample((id, milliseconds) =>
        {
            var resource = Resource.Create(id, "n", null, [], DateTimeOffset.FromUnixTimeMilliseconds(milliseconds));
            var decoded = PageCursor.Decode(PageCursor.Encode(resource));
            Assert.NotNull(decoded);
            Assert.Equal(resource.Id, decoded!.Id);
            Assert.Equal(resource.CreatedAt, decoded.CreatedAt);
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("djE6MTIzOmJhZA")]          // v1:123:bad
    [InlineData("djI6MTIzOjAxYTIxNGNkLTBiYjItN2ZhMy05ZTgwLTY5MmEzYWZmZjhiZA")] // wrong version
    [InlineData("djE6LTE6MDFhMjE0Y2QtMGJiMi03ZmEzLTllODAtNjkyYTNhZmZmOGJk")]   // negative time
    public void Anything_else_is_not_a_cursor(string text) => Assert.Null(PageCursor.Decode(text));

    [Fact]
    public void Arbitrary_text_never_throws()
    {
        Gen.String.Sample(text => PageCursor.Decode(text) is null || text.Length > 0);
    }
}
