using CsCheck;

namespace CrudCqrs.Domain.UnitTests.Resources;

/// <summary>
/// The stores sort ids as lowercase "D" text and code that orders resources
/// compares Guids: the two orders must be the same.
/// </summary>
public sealed class GuidOrderTests
{
    // Bytes drawn mostly from edge values, so that pairs often share leading bytes and the
    // comparison has to look at later fields (and at the sign bit of each field).
    private static readonly Gen<Guid> Guids = Gen.OneOf(Gen.Const((byte)0), Gen.Const((byte)0x7f), Gen.Const((byte)0x80), Gen.Const((byte)0xff), Gen.Byte)
        .Array[16].Select(bytes => new Guid(bytes));

    [Fact]
    public void Guid_CompareTo_agrees_with_ordinal_order_of_lowercase_D_strings()
    {
        Gen.Select(Gen.OneOf(Guids, Gen.Guid), Gen.OneOf(Guids, Gen.Guid)).Sample((a, b) =>
        {
            var textA = a.ToString("D");
            Assert.Equal(textA.ToLowerInvariant(), textA);
            Assert.Equal(Math.Sign(string.CompareOrdinal(textA, b.ToString("D"))), Math.Sign(a.CompareTo(b)));
        }, iter: 20_000);
    }
}
