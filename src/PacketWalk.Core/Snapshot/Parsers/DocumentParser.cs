using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Snapshot.Parsers;

/// <summary>
/// Reads one parsed JSON document (the output of one or more describe-* calls) into a <see cref="NetworkModelBuilder"/>.
/// Every field access goes through the helpers below: they accept PascalCase (as AWS prints) or camelCase keys,
/// treat JSON null as absent, and turn a wrong type or bad value into a <see cref="SnapshotException"/> naming the
/// JSON path. Paths of individual fields are composed only on error, so the happy path allocates little.
/// Its methods are marked <see cref="MethodImplOptions.AggressiveOptimization"/>: a snapshot is read once per session, cold,
/// and on a large estate these methods run millions of times within the first second, while tiered compilation would
/// still be running them unoptimised and instrumented (measured: about a tenth of the large estate's load CPU time).
/// </summary>
internal sealed partial class DocumentParser
{
    private readonly NetworkModelBuilder _b;
    private readonly SnapshotReaderState _state;
    private readonly string _file;
    private readonly string? _account;
    private readonly string? _region;

    public DocumentParser(NetworkModelBuilder builder, string file, string? account, string? region)
    {
        _b = builder;
        _state = builder.ReaderState ??= new SnapshotReaderState();
        _file = file;
        _account = account;
        _region = region;
    }

    /// <summary>How many recognised top-level keys (or bare lists) the document held.</summary>
    public int Recognised { get; private set; }

    // ---- origin -------------------------------------------------------------------------------------------------
    // ResourceOrigin.OwnerId is the JSON's own OwnerId, else the account named by the folder (or given by the caller).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ResourceOrigin Origin(JsonPath path, string? ownerId) => new(ownerId ?? _account, _region, _file, path.ToString());

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? Owner(string? jsonOwner) => jsonOwner ?? _account;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Warn(string message, string? path) => _b.Warnings.Add(new SnapshotWarning(message, _file, path));

    // ---- errors -------------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SnapshotException Invalid(JsonPath path, string message) =>
        new(SnapshotErrorIds.InvalidValue, message, _file, path.ToString());

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SnapshotException Missing(JsonPath path, string name) =>
        new(SnapshotErrorIds.MissingField, $"required field {name} is missing", _file, Child(path, name).ToString());

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JsonPath Child(JsonPath path, string name) => path.Property(name);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string Index(string path, int i) => string.Concat(path, "[", i.ToString(CultureInfo.InvariantCulture), "]");

    /// <summary><c>path.name[i]</c> built in one allocation (the reader composes one per list element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string ElementPath(JsonPath path, string name, int i) => string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{i}]");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string KindText(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // ---- property lookup ----------------------------------------------------------------------------------------

    private static readonly ConcurrentDictionary<string, string> CamelNames = new(StringComparer.Ordinal);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string Camel(string pascal) =>
        CamelNames.GetOrAdd(pascal, static p => p.Length == 0 || char.IsLower(p[0]) ? p : string.Concat(char.ToLowerInvariant(p[0]).ToString(), p.AsSpan(1)));

    /// <summary>The value of <paramref name="name"/> (PascalCase, else camelCase); false when absent or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        var utf8 = Utf8Names(name);
        if (!obj.TryGetProperty(utf8.Pascal, out value) && !obj.TryGetProperty(utf8.Camel, out value))
            return false;
        return value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>A field name in UTF-8, as written by AWS and in camelCase.</summary>
    private sealed record Utf8Name(byte[] Pascal, byte[] Camel);

    // Keyed by reference: field names are string literals, so this is a pointer hash, and the lookup by UTF-8 bytes
    // saves transcoding the name for every field of every object read.
    private static readonly ConcurrentDictionary<string, Utf8Name> Utf8NameCache = new(ReferenceEqualityComparer.Instance);

    private static Utf8Name Utf8Names(string name) =>
        Utf8NameCache.TryGetValue(name, out var cached) ? cached
        : Utf8NameCache.GetOrAdd(name, static n => new Utf8Name(System.Text.Encoding.UTF8.GetBytes(n), System.Text.Encoding.UTF8.GetBytes(Camel(n))));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? Str(JsonElement obj, JsonPath path, string name)
    {
        if (!TryGet(obj, name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String) throw Invalid(Child(path, name), $"{name} must be a string, not {KindText(v.ValueKind)}");
        var s = v.GetString()!;
        if (s.Length > MaxIdLength && IsIdField(name)) throw TooLongId(Child(path, name), name, s);
        return s;
    }

    /// <summary>
    /// AWS ids are short ("subnet-" and 17 hex digits, 12-digit accounts). An id field thousands of characters long is
    /// corrupt or hostile data; refusing it keeps such strings out of every message, hop and index built from ids.
    /// </summary>
    internal const int MaxIdLength = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsIdField(string name) => name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SnapshotException TooLongId(JsonPath path, string name, string value) =>
        Invalid(path, $"{name} is {value.Length:N0} characters long ('{Shorten(value)}'); AWS ids are at most {MaxIdLength}");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string ReqStr(JsonElement obj, JsonPath path, string name)
    {
        var s = Str(obj, path, name);
        if (string.IsNullOrEmpty(s)) throw Missing(path, name);
        return s;
    }

    /// <summary>A string or a bare number, as text ("6" and 6 both give "6").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? StrOrNumber(JsonElement obj, JsonPath path, string name)
    {
        if (!TryGet(obj, name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw Invalid(Child(path, name), $"{name} must be a string or number, not {KindText(v.ValueKind)}"),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool? Bool(JsonElement obj, JsonPath path, string name)
    {
        if (!TryGet(obj, name, out var v)) return null;
        switch (v.ValueKind)
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.String:
                var s = v.GetString();
                if (string.Equals(s, "true", StringComparison.OrdinalIgnoreCase)) return true;
                if (string.Equals(s, "false", StringComparison.OrdinalIgnoreCase)) return false;
                break;
        }
        throw Invalid(Child(path, name), $"{name} must be true or false, not {Describe(v)}");
    }

    /// <summary>AWS option flags: "enable"/"disable" (also true/false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool? EnableFlag(JsonElement obj, JsonPath path, string name)
    {
        if (!TryGet(obj, name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.True) return true;
        if (v.ValueKind == JsonValueKind.False) return false;
        if (v.ValueKind == JsonValueKind.String)
            switch (v.GetString()?.ToLowerInvariant())
            {
                case "enable": case "enabled": case "true": return true;
                case "disable": case "disabled": case "false": return false;
            }
        throw Invalid(Child(path, name), $"{name} must be enable or disable, not {Describe(v)}");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int? Int(JsonElement obj, JsonPath path, string name)
    {
        if (!TryGet(obj, name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
        if (v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out i)) return i;
        throw Invalid(Child(path, name), $"{name} must be a whole number, not {Describe(v)}");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReqInt(JsonElement obj, JsonPath path, string name) => Int(obj, path, name) ?? throw Missing(path, name);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string Describe(JsonElement v)
    {
        if (v.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
        {
            var raw = v.GetRawText();
            return raw.Length > 60 ? raw[..60] + "…" : raw;
        }
        return KindText(v.ValueKind);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Cidr? CidrOpt(JsonElement obj, JsonPath path, string name)
    {
        var s = Str(obj, path, name);
        if (s is null) return null;
        if (!Cidr.TryParse(s, out var c, out var error)) throw Invalid(Child(path, name), error);
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private IpAddress? IpOpt(JsonElement obj, JsonPath path, string name)
    {
        var s = Str(obj, path, name);
        if (s is null) return null;
        if (!IpAddress.TryParse(s, out var ip)) throw Invalid(Child(path, name), $"'{Shorten(s)}' is not an IPv4 or IPv6 address");
        return ip;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;

    /// <summary>An optional nested object; its path is <c>path.name</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryObject(JsonElement obj, JsonPath path, string name, out JsonElement value, out JsonPath childPath)
    {
        childPath = "";
        if (!TryGet(obj, name, out value)) return false;
        childPath = Child(path, name);
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(childPath, $"{name} must be an object, not {KindText(value.ValueKind)}");
        return true;
    }

    /// <summary>The elements of an optional list; a non-list is an error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryArray(JsonElement obj, JsonPath path, string name, out JsonElement array)
    {
        if (!TryGet(obj, name, out array)) return false;
        if (array.ValueKind != JsonValueKind.Array)
            throw Invalid(Child(path, name), $"{name} must be a list, not {KindText(array.ValueKind)}");
        return true;
    }

    /// <summary>The objects of an optional list, each with its path. Non-object elements are errors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ObjectElements Objects(JsonElement obj, JsonPath path, string name) =>
        TryArray(obj, path, name, out var array) ? new ObjectElements(this, array, path, name) : default;

    /// <summary>
    /// The elements <see cref="Objects"/> walks, as a struct enumerable: <c>foreach</c> over it allocates nothing. (An
    /// iterator method allocated its state machine for every list read, empty or not: most of the reader's garbage.)
    /// </summary>
    private readonly struct ObjectElements(DocumentParser parser, JsonElement array, JsonPath path, string name)
    {
        public Enumerator GetEnumerator() => new(parser, array, path, name);

        public struct Enumerator(DocumentParser? parser, JsonElement array, JsonPath path, string? name)
        {
            private JsonElement.ArrayEnumerator _items = parser is null ? default : array.EnumerateArray();
            private int _index;

            public (JsonElement Element, JsonPath Path) Current { get; private set; }

            public bool MoveNext()
            {
                if (parser is null) return false; // the list was absent or null
                while (_items.MoveNext())
                {
                    var element = _items.Current;
                    var elementPath = path.Element(name!, _index++);
                    if (element.ValueKind == JsonValueKind.Null) continue;
                    if (element.ValueKind != JsonValueKind.Object)
                        throw parser.Invalid(elementPath, $"each element of {name} must be an object, not {KindText(element.ValueKind)}");
                    Current = (element, elementPath);
                    return true;
                }
                return false;
            }
        }
    }

    /// <summary>A list of strings (SubnetIds, RouteTableIds, Cidrs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<string> Strings(JsonElement obj, JsonPath path, string name)
    {
        if (!TryArray(obj, path, name, out var array)) return new List<string>(0);
        var list = new List<string>(array.GetArrayLength());
        int i = 0;
        foreach (var el in array.EnumerateArray())
        {
            if (el.ValueKind == JsonValueKind.String)
            {
                var s = el.GetString()!;
                if (s.Length > MaxIdLength && IsIdField(name)) throw TooLongId(Index(Child(path, name).ToString(), i), name, s);
                list.Add(s);
            }
            else if (el.ValueKind != JsonValueKind.Null)
                throw Invalid(Index(Child(path, name).ToString(), i), $"each element of {name} must be a string, not {KindText(el.ValueKind)}");
            i++;
        }
        return list;
    }

    /// <summary>One field of each object in a list: Groups[].GroupId and the like.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<string> FieldOfEach(JsonElement obj, JsonPath path, string listName, string field)
    {
        var list = new List<string>();
        foreach (var (el, p) in Objects(obj, path, listName))
            if (Str(el, p, field) is { Length: > 0 } s) list.Add(s);
        return list;
    }

    /// <summary>The value of the "Name" tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? NameTag(JsonElement obj, JsonPath path)
    {
        foreach (var (tag, p) in Objects(obj, path, "Tags"))
            if (Str(tag, p, "Key") == "Name") return Str(tag, p, "Value");
        return null;
    }

    /// <summary>True when an association/attachment state means "in effect" (absent counts as in effect).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool InEffect(string? state) =>
        state is null || state is "associated" or "associating" or "attached" or "attaching" or "available";
}
