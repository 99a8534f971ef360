using System.Buffers.Text;
using System.Globalization;
using System.Text;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.FlowLogs;

/// <summary>
/// Which records to keep. Every criterion that is set must hold. The reader applies the filter to the raw bytes of a
/// line before it builds a <see cref="FlowLogRecord"/>, so filtering a large file allocates only for the records kept;
/// <see cref="Matches(FlowLogRecord)"/> applies the same rules to records that arrive already built (Insights rows).
/// </summary>
public sealed class FlowLogFilter
{
    private byte[][] _interfaceBytes = Array.Empty<byte[]>();
    private IReadOnlyCollection<string>? _interfaceIds;

    /// <summary>Keep records of these network interfaces (case-insensitive).</summary>
    public IReadOnlyCollection<string>? InterfaceIds
    {
        get => _interfaceIds;
        init
        {
            _interfaceIds = value is null || value.Count == 0 ? null : value.Select(v => v.Trim().ToLowerInvariant()).Distinct().ToArray();
            _interfaceBytes = _interfaceIds?.Select(Encoding.ASCII.GetBytes).ToArray() ?? Array.Empty<byte[]>();
        }
    }

    /// <summary>Keep records where srcaddr, dstaddr, pkt-srcaddr or pkt-dstaddr is one of these.</summary>
    public IReadOnlyCollection<IpAddress>? Addresses { get; init; }
    /// <summary>Keep records where srcport or dstport is in the set.</summary>
    public PortSet? Ports { get; init; }
    /// <summary>Keep records of this IP protocol number; records without a protocol field are dropped.</summary>
    public int? Protocol { get; init; }
    /// <summary>ACCEPT or REJECT (case-insensitive).</summary>
    public string? Action { get; init; }
    /// <summary>Keep records whose capture window ends at or after this time.</summary>
    public DateTimeOffset? StartTime { get; init; }
    /// <summary>Keep records whose capture window starts at or before this time.</summary>
    public DateTimeOffset? EndTime { get; init; }
    /// <summary>Keep records of one flow in either direction; set by the evidence matcher (see <see cref="FlowPortFilter"/>).</summary>
    public FlowPortFilter? Flow
    {
        get => Flows is { Count: 1 } ? Flows[0] : null;
        init => Flows = value is null ? null : new[] { value };
    }

    /// <summary>Keep records of any of these flows: one read of the logs serves several walks.</summary>
    public IReadOnlyList<FlowPortFilter>? Flows { get; init; }

    private bool FlowsOk(int? protocol, int? src, int? dst, string? logStatus)
    {
        if (Flows is null || Flows.Count == 0) return true;
        foreach (var f in Flows)
            if (f.Matches(protocol, src, dst, logStatus)) return true;
        return false;
    }

    /// <summary>This filter's criteria, keeping records of any of the given filters' flows (their other criteria are ignored).</summary>
    public FlowLogFilter WithFlowsOf(IEnumerable<FlowLogFilter> others) => new()
    {
        InterfaceIds = InterfaceIds, Addresses = Addresses, Ports = Ports, Protocol = Protocol, Action = Action,
        StartTime = StartTime, EndTime = EndTime,
        Flows = others.SelectMany(o => o.Flows ?? Array.Empty<FlowPortFilter>()).ToArray(),
    };

    public bool IsEmpty => _interfaceIds is null && (Addresses is null || Addresses.Count == 0) && Ports is null && Protocol is null
        && Action is null && StartTime is null && EndTime is null && (Flows is null || Flows.Count == 0);

    public bool Matches(FlowLogRecord r) =>
        InterfaceOk(r.InterfaceId)
        && (Addresses is null || Addresses.Count == 0 || AddressOk(r.SrcAddr) || AddressOk(r.DstAddr) || AddressOk(r.PktSrcAddr) || AddressOk(r.PktDstAddr))
        && PortsOk(r.SrcPort, r.DstPort)
        && ProtocolOk(r.Protocol)
        && ActionOk(r.Action)
        && TimeOk(r.Start, r.End)
        && FlowsOk(r.Protocol, r.SrcPort, r.DstPort, r.LogStatus);

    private bool InterfaceOk(string? id) => _interfaceIds is null || (id is not null && _interfaceIds.Contains(id.ToLowerInvariant()));
    private bool AddressOk(string? text) => text is not null && IpAddress.TryParse(text, out var a) && Addresses!.Contains(a);
    private bool PortsOk(int? src, int? dst) => Ports is null || (src is { } s && Ports.Contains(s)) || (dst is { } d && Ports.Contains(d));
    private bool ProtocolOk(int? protocol) => Protocol is null || protocol == Protocol;
    private bool ActionOk(string? action) => Action is null || string.Equals(action, Action, StringComparison.OrdinalIgnoreCase);

    private bool TimeOk(long? start, long? end)
    {
        if (StartTime is null && EndTime is null) return true;
        var first = start ?? end;
        var last = end ?? start;
        if (first is null || last is null) return false;
        if (StartTime is { } from && last.Value < from.ToUnixTimeSeconds()) return false;
        if (EndTime is { } to && first.Value > to.ToUnixTimeSeconds()) return false;
        return true;
    }

    /// <summary>
    /// The same rules as <see cref="Matches(FlowLogRecord)"/>, on a raw line split into tokens. Returns false only when
    /// the built record would not match; a field that does not parse is left for the record builder to report.
    /// </summary>
    internal bool Matches(ReadOnlySpan<byte> line, ReadOnlySpan<Range> tokens, FlowLogFormat format)
    {
        if (_interfaceIds is not null)
        {
            var span = Field(line, tokens, format, FlowLogField.InterfaceId);
            bool any = false;
            if (!IsDash(span))
                foreach (var id in _interfaceBytes)
                    if (Ascii.EqualsIgnoreCase(span, id)) { any = true; break; }
            if (!any) return false;
        }
        int? srcPort = null, dstPort = null, protocol = null;
        bool portsParsed = false;
        bool flows = Flows is { Count: > 0 };
        if (Ports is not null || flows)
        {
            if (!TryInt(Field(line, tokens, format, FlowLogField.SrcPort), out srcPort) || !TryInt(Field(line, tokens, format, FlowLogField.DstPort), out dstPort))
                return true;   // malformed: the builder reports it
            portsParsed = true;
            if (!PortsOk(srcPort, dstPort)) return false;
        }
        if (Protocol is not null || flows)
        {
            if (!TryInt(Field(line, tokens, format, FlowLogField.Protocol), out protocol)) return true;
            if (!ProtocolOk(protocol)) return false;
        }
        if (Action is not null)
        {
            var span = Field(line, tokens, format, FlowLogField.Action);
            if (IsDash(span) || !Ascii.EqualsIgnoreCase(span, Encoding.ASCII.GetBytes(Action))) return false;
        }
        if (StartTime is not null || EndTime is not null)
        {
            if (!TryLong(Field(line, tokens, format, FlowLogField.Start), out var start) || !TryLong(Field(line, tokens, format, FlowLogField.End), out var end))
                return true;
            if (!TimeOk(start, end)) return false;
        }
        if (flows && portsParsed)
        {
            // SKIPDATA records pass every flow; decode the status only when it can matter.
            var status = Field(line, tokens, format, FlowLogField.LogStatus);
            var statusText = status.Length == 8 && Ascii.EqualsIgnoreCase(status, "SKIPDATA"u8) ? "SKIPDATA" : null;
            if (!FlowsOk(protocol, srcPort, dstPort, statusText)) return false;
        }
        if (Addresses is not null && Addresses.Count > 0)
        {
            bool any = false;
            foreach (var f in AddressFields)
            {
                var span = Field(line, tokens, format, f);
                if (IsDash(span)) continue;
                if (!TryAddress(span, out var a)) return true;
                if (Addresses.Contains(a)) { any = true; break; }
            }
            if (!any) return false;
        }
        return true;
    }

    private static readonly FlowLogField[] AddressFields = { FlowLogField.SrcAddr, FlowLogField.DstAddr, FlowLogField.PktSrcAddr, FlowLogField.PktDstAddr };

    /// <summary>The token of a field, or an empty span when the format lacks it.</summary>
    internal static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, ReadOnlySpan<Range> tokens, FlowLogFormat format, FlowLogField field)
    {
        int i = format.IndexOf(field);
        return i < 0 || i >= tokens.Length ? ReadOnlySpan<byte>.Empty : line[tokens[i]];
    }

    /// <summary>'-' (not applicable) or absent.</summary>
    internal static bool IsDash(ReadOnlySpan<byte> span) => span.IsEmpty || (span.Length == 1 && span[0] == (byte)'-');

    internal static bool TryInt(ReadOnlySpan<byte> span, out int? value)
    {
        value = null;
        if (IsDash(span)) return true;
        if (Utf8Parser.TryParse(span, out int v, out int consumed) && consumed == span.Length) { value = v; return true; }
        return false;
    }

    internal static bool TryLong(ReadOnlySpan<byte> span, out long? value)
    {
        value = null;
        if (IsDash(span)) return true;
        if (Utf8Parser.TryParse(span, out long v, out int consumed) && consumed == span.Length) { value = v; return true; }
        return false;
    }

    /// <summary>Dotted-quad IPv4 without allocating; IPv6 through the regular parser.</summary>
    internal static bool TryAddress(ReadOnlySpan<byte> span, out IpAddress address)
    {
        address = default;
        if (span.IndexOf((byte)':') >= 0) return IpAddress.TryParse(Encoding.ASCII.GetString(span), out address);
        uint value = 0;
        int octets = 0, digits = 0, current = 0;
        foreach (var b in span)
        {
            if (b == (byte)'.')
            {
                if (digits == 0 || ++octets > 3) return false;
                value = value << 8 | (uint)current;
                current = 0; digits = 0;
            }
            else if (b >= (byte)'0' && b <= (byte)'9')
            {
                current = current * 10 + (b - (byte)'0');
                if (++digits > 3 || current > 255) return false;
            }
            else return false;
        }
        if (octets != 3 || digits == 0) return false;
        address = new IpAddress(value << 8 | (uint)current, false);
        return true;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (_interfaceIds is not null) parts.Add("interface " + string.Join(",", _interfaceIds));
        if (Addresses is { Count: > 0 }) parts.Add("address " + string.Join(",", Addresses));
        if (Ports is not null) parts.Add("port " + Ports);
        if (Protocol is { } p) parts.Add("protocol " + IpProtocol.Name(p));
        if (Action is not null) parts.Add("action " + Action);
        if (StartTime is { } s) parts.Add("from " + s.ToString("u", CultureInfo.InvariantCulture));
        if (EndTime is { } e) parts.Add("to " + e.ToString("u", CultureInfo.InvariantCulture));
        if (Flows is { Count: > 0 }) parts.Add("flow " + string.Join(" or ", Flows));
        return parts.Count == 0 ? "(all records)" : string.Join("; ", parts);
    }
}

/// <summary>
/// One flow's protocol and ports in either direction: client ports → server ports, or the reply. Records without a
/// protocol field pass the protocol check (the seed's Insights query selects no protocol); SKIPDATA records always pass,
/// because they tell that records of the interface were dropped (R-FL-6).
/// </summary>
public sealed class FlowPortFilter
{
    public FlowPortFilter(int protocol, PortSet? clientPorts, PortSet? serverPorts)
    {
        ProtocolNumber = protocol;
        ClientPorts = IpProtocol.HasPorts(protocol) ? clientPorts : null;
        ServerPorts = IpProtocol.HasPorts(protocol) ? serverPorts : null;
    }

    public int ProtocolNumber { get; }
    /// <summary>Null for protocols without ports.</summary>
    public PortSet? ClientPorts { get; }
    public PortSet? ServerPorts { get; }

    public bool Matches(int? protocol, int? srcPort, int? dstPort, string? logStatus)
    {
        if (string.Equals(logStatus, "SKIPDATA", StringComparison.OrdinalIgnoreCase)) return true;
        if (protocol is { } p && p != ProtocolNumber) return false;
        if (ClientPorts is null || ServerPorts is null) return true;
        if (srcPort is not { } s || dstPort is not { } d) return false;
        return (ClientPorts.Contains(s) && ServerPorts.Contains(d)) || (ServerPorts.Contains(s) && ClientPorts.Contains(d));
    }

    public override string ToString() => ClientPorts is null ? IpProtocol.Name(ProtocolNumber) : $"{IpProtocol.Name(ProtocolNumber)} {ClientPorts} <-> {ServerPorts}";
}
