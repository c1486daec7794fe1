using System.Buffers;
using System.Text;
using Aspects.Caching;
using Microsoft.Extensions.Caching.Hybrid;

namespace Aspects.Tests.Caching;

public sealed class L2EntrySerializerTests
{
    private static readonly L2EntrySerializer<string> Serializer = new(new Utf8Serializer());

    [Theory]
    [InlineData("a value")]
    [InlineData("")]
    [InlineData(null)]
    public void An_entry_round_trips_with_its_expiry_stamp_and_value_null_included(string? value)
    {
        var entry = new L2Entry<string> { ExpiresAt = 1_700_000_123_456, Stamp = "3f2a|", Value = value };

        var read = Serializer.Deserialize(Write(entry));

        Assert.NotSame(L2Entry<string>.Unreadable, read);
        Assert.Equal(entry.ExpiresAt, read.ExpiresAt);
        Assert.Equal(entry.Stamp, read.Stamp);
        Assert.Equal(value, read.Value);
    }

    // What earlier versions wrote (the bare JSON of the value, the {"Value":…} box of strings), other writers' bytes,
    // cut-off entries and a future format version: never a value, always a miss to heal.
    [Theory]
    [InlineData("{\"Amount\":\"10\"}")]
    [InlineData("{\"Value\":\"x\"}")]
    [InlineData("\"x\"")]
    [InlineData("")]
    [InlineData("\0ASP")]
    public void Bytes_of_another_format_read_as_unreadable_never_as_a_value(string text) =>
        Assert.Same(L2Entry<string>.Unreadable, Serializer.Deserialize(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text))));

    [Fact]
    public void A_truncated_entry_another_version_or_a_value_the_inner_serializer_rejects_reads_as_unreadable()
    {
        var bytes = Write(new L2Entry<string> { ExpiresAt = 5, Stamp = "abc", Value = "v" }).ToArray();

        for (var length = 0; length < 4 + 1 + 1 + 8 + 4 + 3; length++)
        {
            Assert.Same(L2Entry<string>.Unreadable, Serializer.Deserialize(new ReadOnlySequence<byte>(bytes, 0, length)));
        }

        var otherVersion = (byte[])bytes.Clone();
        otherVersion[4] = 2;
        Assert.Same(L2Entry<string>.Unreadable, Serializer.Deserialize(new ReadOnlySequence<byte>(otherVersion)));

        var throwing = new L2EntrySerializer<string>(new Utf8Serializer { Throws = true });
        Assert.Same(L2Entry<string>.Unreadable, throwing.Deserialize(new ReadOnlySequence<byte>(bytes)));
    }

    private static ReadOnlySequence<byte> Write(L2Entry<string> entry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serializer.Serialize(entry, buffer);
        return new ReadOnlySequence<byte>(buffer.WrittenMemory);
    }

    private sealed class Utf8Serializer : IHybridCacheSerializer<string>
    {
        public bool Throws { get; init; }

        public string Deserialize(ReadOnlySequence<byte> source) =>
            Throws ? throw new FormatException("not a value of this type") : Encoding.UTF8.GetString(source);

        public void Serialize(string value, IBufferWriter<byte> target) => target.Write(Encoding.UTF8.GetBytes(value));
    }
}
