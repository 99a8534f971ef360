using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Amazon.Runtime;

namespace PacketWalk.Aws;

/// <summary>
/// Writes SDK model objects as the AWS CLI prints them (<c>aws ec2 describe-* --output json</c>): PascalCase member
/// names (the SDK's property names are the API's member names), enum-like values as their strings, absent values
/// omitted (SDK v4 leaves unset collections and value types null). This is the one path from live data to the model:
/// the live walk reads these documents with the snapshot reader, and the export writes the same documents to files.
/// </summary>
public static class SdkJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            PropertyNamingPolicy = null,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { ApiNames } },
        };
        o.Converters.Add(new ConstantClassConverterFactory());
        o.Converters.Add(new UtcDateTimeConverter());
        return o;
    }

    /// <summary>
    /// The .NET SDK renames a few API members (checked against the EC2 model of every shape the reader serves); the
    /// documents must carry the API's names, as the CLI prints them.
    /// </summary>
    private static readonly Dictionary<(Type, string), string> Renamed = new()
    {
        [(typeof(Amazon.EC2.Model.IpPermission), "Ipv4Ranges")] = "IpRanges",
        [(typeof(Amazon.EC2.Model.PrefixListId), "Id")] = "PrefixListId",
        [(typeof(Amazon.EC2.Model.CidrBlock), "Cidr")] = "CidrBlock",
        [(typeof(Amazon.EC2.Model.Ipv6CidrBlock), "Value")] = "Ipv6CidrBlock",
    };

    /// <summary>SDK-only members that are not part of the API output.</summary>
    private static readonly HashSet<(Type, string)> SdkOnly = new()
    {
        (typeof(Amazon.EC2.Model.Reservation), "GroupNames"),
    };

    private static void ApiNames(System.Text.Json.Serialization.Metadata.JsonTypeInfo info)
    {
        if (info.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties.ToList())
        {
            if (Renamed.TryGetValue((info.Type, property.Name), out var apiName)) property.Name = apiName;
            else if (SdkOnly.Contains((info.Type, property.Name))) info.Properties.Remove(property);
        }
    }

    public static JsonNode? ToNode(object? value) => value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), Options);

    /// <summary>A list of SDK objects as a JSON array.</summary>
    public static JsonArray ToArray<T>(IEnumerable<T> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
            if (item is not null) array.Add(ToNode(item));
        return array;
    }

    private sealed class ConstantClassConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeof(ConstantClass).IsAssignableFrom(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ConstantClassConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class ConstantClassConverter<T> : JsonConverter<T> where T : ConstantClass
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("SDK documents are written, never read back through the SDK types.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    /// <summary>Timestamps as the CLI prints them: ISO 8601 in UTC.</summary>
    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTime();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}
