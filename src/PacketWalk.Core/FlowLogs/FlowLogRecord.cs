using System.Globalization;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.FlowLogs;

/// <summary>
/// One VPC Flow Log record, typed. Property names follow the field names CloudWatch Logs Insights discovers (srcAddr →
/// SrcAddr, interfaceId → InterfaceId), so a record reads like the console and Export-Csv gives one flat row. A field the
/// format lacks, or that AWS wrote as '-' (not applicable), is null.
/// </summary>
public sealed class FlowLogRecord
{
    public int? Version { get; init; }
    public string? AccountId { get; init; }
    public string? InterfaceId { get; init; }
    /// <summary>For an intermediate ENI (TGW, NAT gateway) this is the ENI's own primary address, not the packet's (R-FL-4).</summary>
    public string? SrcAddr { get; init; }
    public string? DstAddr { get; init; }
    public int? SrcPort { get; init; }
    public int? DstPort { get; init; }
    /// <summary>IANA protocol number (6 tcp, 17 udp, 1 icmp).</summary>
    public int? Protocol { get; init; }
    public long? Packets { get; init; }
    public long? Bytes { get; init; }
    /// <summary>Unix seconds when the first packet of the aggregation window was seen; may be up to 60 s after the packet (R-FL-9).</summary>
    public long? Start { get; init; }
    public long? End { get; init; }
    /// <summary>ACCEPT or REJECT. REJECT is not always a policy drop: it also covers packets after the connection closed (R-FL-5).</summary>
    public string? Action { get; init; }
    /// <summary>OK, NODATA or SKIPDATA (R-FL-6).</summary>
    public string? LogStatus { get; init; }
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    public string? InstanceId { get; init; }
    public int? TcpFlags { get; init; }
    public string? Type { get; init; }
    /// <summary>The packet's original source address; on an intermediate ENI it differs from SrcAddr (R-FL-4, R-FL-8).</summary>
    public string? PktSrcAddr { get; init; }
    public string? PktDstAddr { get; init; }
    public string? Region { get; init; }
    public string? AzId { get; init; }
    public string? SublocationType { get; init; }
    public string? SublocationId { get; init; }
    public string? PktSrcAwsService { get; init; }
    public string? PktDstAwsService { get; init; }
    /// <summary>ingress or egress.</summary>
    public string? FlowDirection { get; init; }
    /// <summary>Egress only: 1 same VPC, 2 IGW or gateway endpoint, 3 VGW, 4 intra-Region peering, … (R-FL-11).</summary>
    public int? TrafficPath { get; init; }

    /// <summary>Where the record came from: "file:line", a CloudWatch log stream and event id, or "pipeline #n".</summary>
    public string? Origin { get; init; }
    /// <summary>Fields PacketWalk does not type (ECS fields, reject-reason, newer fields), by their AWS name; null when there are none.</summary>
    public IReadOnlyDictionary<string, string>? ExtraFields { get; init; }

    /// <summary>Start as a UTC time.</summary>
    public DateTimeOffset? StartTimeUtc => Start is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
    public DateTimeOffset? EndTimeUtc => End is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : null;
    /// <summary>Start in this machine's time zone.</summary>
    public DateTimeOffset? StartTime => StartTimeUtc?.ToLocalTime();
    public DateTimeOffset? EndTime => EndTimeUtc?.ToLocalTime();

    public string? ProtocolName => Protocol is { } p ? IpProtocol.Name(p) : null;

    /// <summary>True when pkt-srcaddr and pkt-dstaddr are both present: the packet's own addresses are known.</summary>
    public bool HasPacketAddresses => PktSrcAddr is not null && PktDstAddr is not null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{InterfaceId} {SrcAddr}:{SrcPort} -> {DstAddr}:{DstPort} {ProtocolName} {Action} {Start}");
}
