using System.Buffers;
using System.Globalization;
using System.Text;

namespace PacketWalk.Core.FlowLogs;

/// <summary>A line that could not be read as a record: where it was, why, and (shortened) what it said.</summary>
public sealed record FlowLogIssue(string Origin, long Line, string Message, string? Text)
{
    public string ErrorId => FlowLogErrorIds.MalformedRecord;
    public override string ToString() => $"{Origin}{(Line > 0 ? ":" + Line.ToString(CultureInfo.InvariantCulture) : "")}: {Message}";
}

/// <summary>Counts of one read, for -Verbose and the benchmark.</summary>
public sealed class FlowLogReadStatistics
{
    public int Files { get; internal set; }
    public long Bytes { get; internal set; }
    public long Lines { get; internal set; }
    public long Headers { get; internal set; }
    /// <summary>Records that passed the filter and were built.</summary>
    public long Records { get; internal set; }
    public long FilteredOut { get; internal set; }
    public long Malformed { get; internal set; }

    /// <summary>Adds another read's counts to these.</summary>
    public void Add(FlowLogReadStatistics other)
    {
        Files += other.Files; Bytes += other.Bytes; Lines += other.Lines; Headers += other.Headers;
        Records += other.Records; FilteredOut += other.FilteredOut; Malformed += other.Malformed;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Files} files, {Bytes / 1048576.0:0.0} MiB, {Lines} lines, {Records} records kept, {FilteredOut} filtered out, {Malformed} malformed");
}

/// <summary>
/// Turns lines into records, one at a time, so nothing holds more than one line. It is stateful: a header line (an S3
/// file's first line, or a LogFormat string such as <c>${version} ${vpc-id} …</c>) switches the format for the lines that
/// follow. Without a header the format given to the constructor is used, else the default version 2 (R-FL-2).
/// </summary>
public sealed class FlowLogLineParser
{
    /// <summary>More fields than any documented format has (about 45 with the ECS fields).</summary>
    internal const int MaxFields = 96;
    private const int MaxIssueText = 200;

    private readonly FlowLogFormat _initialFormat;
    private readonly FlowLogFilter? _filter;
    private readonly Action<FlowLogIssue>? _onIssue;

    public FlowLogLineParser(FlowLogFormat? format = null, FlowLogFilter? filter = null, Action<FlowLogIssue>? onIssue = null,
        FlowLogReadStatistics? statistics = null)
    {
        _initialFormat = format ?? FlowLogFormat.Default;
        Format = _initialFormat;
        _filter = filter is { IsEmpty: false } ? filter : null;
        _onIssue = onIssue;
        Statistics = statistics ?? new FlowLogReadStatistics();
    }

    /// <summary>The format the next line is read with.</summary>
    public FlowLogFormat Format { get; private set; }
    /// <summary>True once a header line set the format.</summary>
    public bool FormatFromHeader { get; private set; }
    public FlowLogReadStatistics Statistics { get; }

    /// <summary>Back to the constructor's format: each S3 file declares its own header.</summary>
    public void Reset()
    {
        Format = _initialFormat;
        FormatFromHeader = false;
    }

    /// <summary>Parses one line of text (from the pipeline, a CloudWatch event's Message, an Insights @message).</summary>
    public FlowLogRecord? Parse(string line, string origin, long lineNumber = 0)
    {
        int max = Encoding.UTF8.GetMaxByteCount(line.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = Encoding.UTF8.GetBytes(line, buffer);
            return Parse(buffer[..n], origin, lineNumber);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Parses one line (without its newline). Returns the record, or null for a blank line, a header, a record the filter
    /// drops, or a malformed line (reported through the issue callback).
    /// </summary>
    public FlowLogRecord? Parse(ReadOnlySpan<byte> line, string origin, long lineNumber)
    {
        Statistics.Lines++;
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        Span<Range> tokens = stackalloc Range[MaxFields];
        int count = Tokenize(line, tokens);
        if (count == 0) return null;
        if (count < 0)
        {
            Report(origin, lineNumber, $"the line has more than {MaxFields} fields", line);
            return null;
        }
        tokens = tokens[..count];
        // A header has no digits in its first token; a record's first token always does or is '-'. Check cheaply first.
        if (IsLowerLetter(line[tokens[0].Start.Value]) && FlowLogFormat.TryParseHeader(line, out var header))
        {
            Format = header!;
            FormatFromHeader = true;
            Statistics.Headers++;
            return null;
        }
        if (count != Format.Count)
        {
            Report(origin, lineNumber, FormatFromHeader || !Format.IsDefault
                ? $"the record has {count} fields but the format has {Format.Count} ({Format.Text})"
                : $"the record has {count} fields but the default version-2 format has {Format.Count}; give the flow log's LogFormat (-LogFormat '${{version}} ${{vpc-id}} …') when it is a custom format",
                line);
            return null;
        }
        if (_filter is not null && !_filter.Matches(line, tokens, Format))
        {
            Statistics.FilteredOut++;
            return null;
        }
        var record = Build(line, tokens, origin, lineNumber);
        if (record is not null) Statistics.Records++;
        return record;
    }

    /// <summary>
    /// Builds a record from field/value pairs: a CloudWatch Logs Insights result row (Field/Value) or any object with
    /// flow-log properties. A row with @message is parsed as that line (most complete). Otherwise field names are matched
    /// loosely (srcAddr, src-addr and the seed's aliases Source, SourcePort, ENI, Time …); fields missing from the row stay null.
    /// </summary>
    public FlowLogRecord? ParseFields(IEnumerable<KeyValuePair<string, string?>> fields, string origin)
    {
        string? message = null;
        var values = new Dictionary<FlowLogField, string>();
        Dictionary<string, string>? extra = null;
        foreach (var (name, value) in fields)
        {
            if (string.IsNullOrEmpty(name)) continue;
            if (string.Equals(name, "@message", StringComparison.OrdinalIgnoreCase)) { message = value; continue; }
            if (name[0] == '@') continue;   // @timestamp, @ptr, @logStream: Insights' own fields
            var text = value?.Trim();
            if (string.IsNullOrEmpty(text) || text == "-") continue;
            if (FlowLogFields.TryFromLooseName(name, out var field)) values.TryAdd(field, text);
            else (extra ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = text;
        }
        if (message is not null) return Parse(message, origin);

        Statistics.Lines++;
        string? error = null;
        int? Int(FlowLogField f)
        {
            if (!values.TryGetValue(f, out var t)) return null;
            if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
            error ??= $"{FieldName(f)} '{t}' is not a number";
            return null;
        }
        long? Long(FlowLogField f)
        {
            if (!values.TryGetValue(f, out var t)) return null;
            if (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
            // Insights shows start/end as numbers, but a row that went through a date field may carry a time stamp.
            if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)) return when.ToUnixTimeSeconds();
            error ??= $"{FieldName(f)} '{t}' is not a number or a time";
            return null;
        }
        string? Text(FlowLogField f) => values.TryGetValue(f, out var t) ? t : null;
        static string FieldName(FlowLogField f) => FlowLogFields.Name(f)!;

        if (values.Count == 0)
        {
            ReportText(origin, 0, "the row has no flow-log field (interfaceId, srcAddr, dstAddr, srcPort, dstPort, …) and no @message", null);
            return null;
        }
        int? protocol = null;
        if (values.TryGetValue(FlowLogField.Protocol, out var protocolText))
        {
            // Rows built by hand may say "tcp" rather than 6.
            if (Net.IpProtocol.TryParse(protocolText, out var p) && p >= 0) protocol = p;
            else error ??= $"protocol '{protocolText}' is not a protocol";
        }
        var record = new FlowLogRecord
        {
            Version = Int(FlowLogField.Version),
            AccountId = Text(FlowLogField.AccountId),
            InterfaceId = Text(FlowLogField.InterfaceId),
            SrcAddr = Text(FlowLogField.SrcAddr),
            DstAddr = Text(FlowLogField.DstAddr),
            SrcPort = Int(FlowLogField.SrcPort),
            DstPort = Int(FlowLogField.DstPort),
            Protocol = protocol,
            Packets = Long(FlowLogField.Packets),
            Bytes = Long(FlowLogField.Bytes),
            Start = Long(FlowLogField.Start),
            End = Long(FlowLogField.End),
            Action = Text(FlowLogField.Action)?.ToUpperInvariant(),
            LogStatus = Text(FlowLogField.LogStatus),
            VpcId = Text(FlowLogField.VpcId),
            SubnetId = Text(FlowLogField.SubnetId),
            InstanceId = Text(FlowLogField.InstanceId),
            TcpFlags = Int(FlowLogField.TcpFlags),
            Type = Text(FlowLogField.Type),
            PktSrcAddr = Text(FlowLogField.PktSrcAddr),
            PktDstAddr = Text(FlowLogField.PktDstAddr),
            Region = Text(FlowLogField.Region),
            AzId = Text(FlowLogField.AzId),
            SublocationType = Text(FlowLogField.SublocationType),
            SublocationId = Text(FlowLogField.SublocationId),
            PktSrcAwsService = Text(FlowLogField.PktSrcAwsService),
            PktDstAwsService = Text(FlowLogField.PktDstAwsService),
            FlowDirection = Text(FlowLogField.FlowDirection),
            TrafficPath = Int(FlowLogField.TrafficPath),
            ExtraFields = extra,
            Origin = origin,
        };
        if (error is not null)
        {
            ReportText(origin, 0, error, string.Join(" ", values.Values));
            return null;
        }
        if (_filter is not null && !_filter.Matches(record))
        {
            Statistics.FilteredOut++;
            return null;
        }
        Statistics.Records++;
        return record;
    }

    /// <summary>Applies the filter to a record that arrived already built (a FlowLogRecord piped from Get-FlowLogRecord).</summary>
    public bool Keep(FlowLogRecord record)
    {
        Statistics.Lines++;
        if (_filter is not null && !_filter.Matches(record)) { Statistics.FilteredOut++; return false; }
        Statistics.Records++;
        return true;
    }

    private FlowLogRecord? Build(ReadOnlySpan<byte> line, ReadOnlySpan<Range> tokens, string origin, long lineNumber)
    {
        var r = new FieldReader(line, tokens, Format, this);
        Dictionary<string, string>? extra = null;
        for (int i = 0; i < Format.Count; i++)
        {
            if (Format.Fields[i] != FlowLogField.Other) continue;
            var span = line[tokens[i]];
            if (FlowLogFilter.IsDash(span)) continue;
            (extra ??= new Dictionary<string, string>(StringComparer.Ordinal))[Format.FieldNames[i]] = Encoding.UTF8.GetString(span);
        }

        var record = new FlowLogRecord
        {
            Version = r.Int(FlowLogField.Version),
            AccountId = r.Text(FlowLogField.AccountId, intern: true),
            InterfaceId = r.Text(FlowLogField.InterfaceId, intern: true),
            SrcAddr = r.Text(FlowLogField.SrcAddr),
            DstAddr = r.Text(FlowLogField.DstAddr),
            SrcPort = r.Int(FlowLogField.SrcPort),
            DstPort = r.Int(FlowLogField.DstPort),
            Protocol = r.Int(FlowLogField.Protocol),
            Packets = r.Long(FlowLogField.Packets),
            Bytes = r.Long(FlowLogField.Bytes),
            Start = r.Long(FlowLogField.Start),
            End = r.Long(FlowLogField.End),
            Action = r.Text(FlowLogField.Action, intern: true),
            LogStatus = r.Text(FlowLogField.LogStatus, intern: true),
            VpcId = r.Text(FlowLogField.VpcId, intern: true),
            SubnetId = r.Text(FlowLogField.SubnetId, intern: true),
            InstanceId = r.Text(FlowLogField.InstanceId, intern: true),
            TcpFlags = r.Int(FlowLogField.TcpFlags),
            Type = r.Text(FlowLogField.Type, intern: true),
            PktSrcAddr = r.Text(FlowLogField.PktSrcAddr),
            PktDstAddr = r.Text(FlowLogField.PktDstAddr),
            Region = r.Text(FlowLogField.Region, intern: true),
            AzId = r.Text(FlowLogField.AzId, intern: true),
            SublocationType = r.Text(FlowLogField.SublocationType, intern: true),
            SublocationId = r.Text(FlowLogField.SublocationId, intern: true),
            PktSrcAwsService = r.Text(FlowLogField.PktSrcAwsService, intern: true),
            PktDstAwsService = r.Text(FlowLogField.PktDstAwsService, intern: true),
            FlowDirection = r.Text(FlowLogField.FlowDirection, intern: true),
            TrafficPath = r.Int(FlowLogField.TrafficPath),
            ExtraFields = extra,
            Origin = lineNumber > 0 ? origin + ":" + lineNumber.ToString(CultureInfo.InvariantCulture) : origin,
        };
        if (r.Error is not null)
        {
            Report(origin, lineNumber, r.Error, line);
            return null;
        }
        return record;
    }

    /// <summary>Reads typed fields of one tokenised line; remembers the first field that did not parse.</summary>
    private ref struct FieldReader
    {
        private readonly ReadOnlySpan<byte> _line;
        private readonly ReadOnlySpan<Range> _tokens;
        private readonly FlowLogFormat _format;
        private readonly FlowLogLineParser _parser;

        public FieldReader(ReadOnlySpan<byte> line, ReadOnlySpan<Range> tokens, FlowLogFormat format, FlowLogLineParser parser)
        {
            _line = line; _tokens = tokens; _format = format; _parser = parser; Error = null;
        }

        public string? Error { get; private set; }

        public int? Int(FlowLogField field)
        {
            var span = FlowLogFilter.Field(_line, _tokens, _format, field);
            if (FlowLogFilter.TryInt(span, out var v)) return v;
            Error ??= $"{FlowLogFields.Name(field)} '{Encoding.UTF8.GetString(span)}' is not a number";
            return null;
        }

        public long? Long(FlowLogField field)
        {
            var span = FlowLogFilter.Field(_line, _tokens, _format, field);
            if (FlowLogFilter.TryLong(span, out var v)) return v;
            Error ??= $"{FlowLogFields.Name(field)} '{Encoding.UTF8.GetString(span)}' is not a number";
            return null;
        }

        public string? Text(FlowLogField field, bool intern = false)
        {
            var span = FlowLogFilter.Field(_line, _tokens, _format, field);
            if (FlowLogFilter.IsDash(span)) return null;
            return intern ? _parser.Intern(span) : Encoding.UTF8.GetString(span);
        }
    }

    /// <summary>
    /// Ids, actions and statuses repeat on almost every line: a small direct-mapped cache keyed by the bytes returns the
    /// same string without decoding again, so kept records share them and a hit allocates nothing.
    /// </summary>
    private string Intern(ReadOnlySpan<byte> span)
    {
        if (span.Length > 64) return Encoding.UTF8.GetString(span);
        int slot = (int)((uint)HashCode.Combine(span.Length, BitConverter.ToUInt64(PadTo8(span)), span[^1]) % InternSlots);
        var entry = _intern[slot];
        if (entry.Bytes is not null && span.SequenceEqual(entry.Bytes)) return entry.Text!;
        var text = Encoding.UTF8.GetString(span);
        _intern[slot] = (span.ToArray(), text);
        return text;
    }

    private const int InternSlots = 1021;
    private readonly (byte[]? Bytes, string? Text)[] _intern = new (byte[]?, string?)[InternSlots];

    private static ReadOnlySpan<byte> PadTo8(ReadOnlySpan<byte> span)
    {
        if (span.Length >= 8) return span[^8..];
        var padded = new byte[8];
        span.CopyTo(padded);
        return padded;
    }

    private void Report(string origin, long lineNumber, string message, ReadOnlySpan<byte> line) =>
        ReportText(origin, lineNumber, message, Encoding.UTF8.GetString(line.Length > MaxIssueText ? line[..MaxIssueText] : line));

    private void ReportText(string origin, long lineNumber, string message, string? text)
    {
        Statistics.Malformed++;
        _onIssue?.Invoke(new FlowLogIssue(origin, lineNumber, message, text is { Length: > MaxIssueText } ? text[..MaxIssueText] : text));
    }

    private static bool IsLowerLetter(byte b) => b >= (byte)'a' && b <= (byte)'z' || b == (byte)'$';

    /// <summary>Splits on spaces and tabs, skipping empty tokens. Returns the token count, or -1 when there are more than fit.</summary>
    internal static int Tokenize(ReadOnlySpan<byte> line, Span<Range> tokens)
    {
        int count = 0, i = 0, n = line.Length;
        while (i < n)
        {
            while (i < n && (line[i] == (byte)' ' || line[i] == (byte)'\t')) i++;
            if (i >= n) break;
            int start = i;
            while (i < n && line[i] != (byte)' ' && line[i] != (byte)'\t') i++;
            if (count == tokens.Length) return -1;
            tokens[count++] = new Range(start, i);
        }
        return count;
    }
}
