using System.Buffers;
using System.Text.Json;
using Aspects.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Aspects.Redis.Caching;

/// <summary>
/// Reflection-free serializers for the L2 payloads of <see langword="string"/> and <see langword="byte"/>[] results,
/// which the cache wraps so that <see langword="null"/> survives the round trip. They write the JSON that
/// System.Text.Json would (<c>{"Value":…}</c>, bytes in base64), so nodes on either serializer share entries, and
/// keep such methods' L2 working under NativeAOT, where a user's JSON context cannot name the internal wrapper.
/// </summary>
internal static class BoxedL2Serializers
{
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("Value");

    public static void Register(IHybridCacheBuilder builder)
    {
        builder.AddSerializer(new StringSerializer());
        builder.AddSerializer(new BytesSerializer());
    }

    private static T? Read<T>(ReadOnlySequence<byte> source, Func<Utf8JsonReader, T> readValue)
        where T : class
    {
        var reader = new Utf8JsonReader(source);
        T? value = null;
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isValue = reader.ValueTextEquals(ValueProperty.EncodedUtf8Bytes);
            Expect(reader.Read());
            if (isValue)
            {
                value = reader.TokenType == JsonTokenType.Null ? null : readValue(reader);
            }
            else
            {
                reader.Skip();
            }
        }

        Expect(reader.TokenType == JsonTokenType.EndObject);
        return value;
    }

    private static void Write<T>(IBufferWriter<byte> target, T? value, Action<Utf8JsonWriter, T> writeValue)
        where T : class
    {
        using var writer = new Utf8JsonWriter(target);
        writer.WriteStartObject();
        writer.WritePropertyName(ValueProperty);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writeValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("The L2 payload is not a boxed cache value ({\"Value\":…}).");
        }
    }

    private sealed class StringSerializer : IHybridCacheSerializer<L2Box<string>>
    {
        public L2Box<string> Deserialize(ReadOnlySequence<byte> source) =>
            new() { Value = Read(source, static reader => reader.GetString()!) };

        public void Serialize(L2Box<string> value, IBufferWriter<byte> target) =>
            Write(target, value.Value, static (writer, text) => writer.WriteStringValue(text));
    }

    private sealed class BytesSerializer : IHybridCacheSerializer<L2Box<byte[]>>
    {
        public L2Box<byte[]> Deserialize(ReadOnlySequence<byte> source) =>
            new() { Value = Read(source, static reader => reader.GetBytesFromBase64()) };

        public void Serialize(L2Box<byte[]> value, IBufferWriter<byte> target) =>
            Write(target, value.Value, static (writer, bytes) => writer.WriteBase64StringValue(bytes));
    }
}
