using System.Text;

namespace PacketWalk.Core.FlowLogs;

/// <summary>
/// The order of fields in a flow-log record. The default is version 2 (R-FL-2); a custom format is any subset and order
/// of the fields (R-FL-3), declared either as the flow log's LogFormat string (<c>${version} ${vpc-id} …</c>) or by the
/// header line AWS writes at the top of every file it delivers to S3 (<c>version vpc-id …</c>).
/// </summary>
public sealed class FlowLogFormat : IEquatable<FlowLogFormat>
{
    private readonly int[] _index;

    public static FlowLogFormat Default { get; } = new(FlowLogFields.DefaultOrder.Select(f => FlowLogFields.Name(f)!).ToArray());

    private FlowLogFormat(string[] names)
    {
        FieldNames = names;
        Fields = names.Select(FlowLogFields.FromName).ToArray();
        _index = new int[Enum.GetValues<FlowLogField>().Length];
        Array.Fill(_index, -1);
        for (int i = 0; i < Fields.Count; i++)
            if (Fields[i] != FlowLogField.Other && _index[(int)Fields[i]] < 0) _index[(int)Fields[i]] = i;
        Version = Fields.Count == 0 ? 0 : Fields.Max(FlowLogFields.VersionOf);
    }

    /// <summary>The field names in record order, as AWS spells them.</summary>
    public IReadOnlyList<string> FieldNames { get; }
    public IReadOnlyList<FlowLogField> Fields { get; }
    /// <summary>The highest flow-log version among the typed fields (R-FL-3: a custom format's version is the highest among its fields).</summary>
    public int Version { get; }
    public int Count => FieldNames.Count;
    public bool IsDefault => Equals(Default);

    /// <summary>The position of a field in a record, or -1 when the format lacks it.</summary>
    public int IndexOf(FlowLogField field) => _index[(int)field];
    public bool Has(FlowLogField field) => _index[(int)field] >= 0;

    /// <summary>The format as a LogFormat string: <c>${version} ${account-id} …</c>.</summary>
    public string Text => string.Join(' ', FieldNames.Select(n => "${" + n + "}"));
    public override string ToString() => Text;

    /// <summary>
    /// Reads a format: <c>${a} ${b}</c> (a flow log's LogFormat) or <c>a b</c> (an S3 header line). Throws
    /// <see cref="FlowLogFormatException"/> when a token is not a field name or no field is known.
    /// </summary>
    public static FlowLogFormat Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FlowLogFormatException("The flow-log format is empty: give the LogFormat string, e.g. '${version} ${account-id} ${interface-id} …'.");
        var names = new List<string>();
        foreach (var raw in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw;
            if (token.StartsWith("${", StringComparison.Ordinal) && token.EndsWith('}')) token = token[2..^1];
            if (!IsFieldNameToken(token))
                throw new FlowLogFormatException($"'{raw}' in the flow-log format '{text}' is not a field name: write the fields as ${{name}} (e.g. ${{srcaddr}}) or as the header line of an S3 file (e.g. srcaddr).");
            names.Add(token);
        }
        if (!names.Any(FlowLogFields.IsKnownName))
            throw new FlowLogFormatException($"The flow-log format '{text}' names no VPC Flow Log field (version, interface-id, srcaddr, …).");
        return new FlowLogFormat(names.ToArray());
    }

    /// <summary>
    /// True when the line is a header (an S3 file's first line, or a LogFormat string): its first token is a known field
    /// name, bare or as ${name}, and every token looks like a field name. Record values never do: a record's first field
    /// is a number, an id with digits, an address or '-', none of which is a field name.
    /// </summary>
    internal static bool TryParseHeader(ReadOnlySpan<byte> line, out FlowLogFormat? format)
    {
        format = null;
        line = line.Trim((byte)' ');
        if (line.IsEmpty) return false;
        int firstEnd = line.IndexOf((byte)' ');
        var first = firstEnd < 0 ? line : line[..firstEnd];
        if (first.StartsWith("${"u8) && first.EndsWith("}"u8)) first = first[2..^1];
        if (first.IsEmpty || first.Length > 64 || !FlowLogFields.IsKnownName(Encoding.ASCII.GetString(first))) return false;
        var text = Encoding.ASCII.GetString(line);
        try { format = Parse(text); return true; }
        catch (FlowLogFormatException) { return false; }
    }

    private static bool IsFieldNameToken(string token)
    {
        if (token.Length == 0 || token.Length > 64 || !char.IsAsciiLetterLower(token[0])) return false;
        foreach (var c in token)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        return true;
    }

    public bool Equals(FlowLogFormat? other) => other is not null && FieldNames.SequenceEqual(other.FieldNames, StringComparer.Ordinal);
    public override bool Equals(object? obj) => Equals(obj as FlowLogFormat);
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Stable error ids for flow-log input problems; the cmdlets use them as ErrorRecord ids.</summary>
public static class FlowLogErrorIds
{
    public const string InvalidFormat = "PacketWalkFlowLogInvalidFormat";
    public const string MalformedRecord = "PacketWalkFlowLogMalformedRecord";
    public const string PathNotFound = "PacketWalkFlowLogPathNotFound";
    public const string ReadFailed = "PacketWalkFlowLogReadFailed";
    public const string UnsupportedInput = "PacketWalkFlowLogUnsupportedInput";
    public const string InvalidWalk = "PacketWalkFlowLogInvalidWalk";
}

/// <summary>A LogFormat string or header that is not a flow-log format.</summary>
public sealed class FlowLogFormatException : Exception
{
    public FlowLogFormatException(string message) : base(message) { }
    public string ErrorId => FlowLogErrorIds.InvalidFormat;
}
