namespace PacketWalk.Core.FlowLogs;

/// <summary>The VPC Flow Log fields PacketWalk reads into typed properties (R-FL-2, R-FL-3). Any other field name is kept as text.</summary>
public enum FlowLogField
{
    /// <summary>A field this version of PacketWalk does not type (ECS fields, reject-reason, future fields): kept in ExtraFields.</summary>
    Other = 0,
    // Version 2, the default format, in its fixed order (R-FL-2).
    Version, AccountId, InterfaceId, SrcAddr, DstAddr, SrcPort, DstPort, Protocol, Packets, Bytes, Start, End, Action, LogStatus,
    // Version 3.
    VpcId, SubnetId, InstanceId, TcpFlags, Type, PktSrcAddr, PktDstAddr,
    // Version 4.
    Region, AzId, SublocationType, SublocationId,
    // Version 5.
    PktSrcAwsService, PktDstAwsService, FlowDirection, TrafficPath,
}

/// <summary>Names and versions of <see cref="FlowLogField"/> as AWS writes them in a format string (<c>${srcaddr}</c>) and in the header line of S3 files.</summary>
public static class FlowLogFields
{
    private static readonly (FlowLogField Field, string Name, int Version)[] Table =
    {
        (FlowLogField.Version, "version", 2), (FlowLogField.AccountId, "account-id", 2), (FlowLogField.InterfaceId, "interface-id", 2),
        (FlowLogField.SrcAddr, "srcaddr", 2), (FlowLogField.DstAddr, "dstaddr", 2), (FlowLogField.SrcPort, "srcport", 2),
        (FlowLogField.DstPort, "dstport", 2), (FlowLogField.Protocol, "protocol", 2), (FlowLogField.Packets, "packets", 2),
        (FlowLogField.Bytes, "bytes", 2), (FlowLogField.Start, "start", 2), (FlowLogField.End, "end", 2),
        (FlowLogField.Action, "action", 2), (FlowLogField.LogStatus, "log-status", 2),
        (FlowLogField.VpcId, "vpc-id", 3), (FlowLogField.SubnetId, "subnet-id", 3), (FlowLogField.InstanceId, "instance-id", 3),
        (FlowLogField.TcpFlags, "tcp-flags", 3), (FlowLogField.Type, "type", 3), (FlowLogField.PktSrcAddr, "pkt-srcaddr", 3),
        (FlowLogField.PktDstAddr, "pkt-dstaddr", 3),
        (FlowLogField.Region, "region", 4), (FlowLogField.AzId, "az-id", 4), (FlowLogField.SublocationType, "sublocation-type", 4),
        (FlowLogField.SublocationId, "sublocation-id", 4),
        (FlowLogField.PktSrcAwsService, "pkt-src-aws-service", 5), (FlowLogField.PktDstAwsService, "pkt-dst-aws-service", 5),
        (FlowLogField.FlowDirection, "flow-direction", 5), (FlowLogField.TrafficPath, "traffic-path", 5),
    };

    private static readonly Dictionary<string, FlowLogField> ByName = Table.ToDictionary(t => t.Name, t => t.Field, StringComparer.Ordinal);

    /// <summary>
    /// Field names with dashes and underscores removed, lower case: how CloudWatch Logs Insights spells the discovered fields
    /// (srcAddr, interfaceId, logStatus) and how people alias them. The seed's own query renames fields (start as Time,
    /// srcAddr as Source, dstAddr as Destination, srcPort as SourcePort, dstPort as DestinationPort, interfaceId as ENI);
    /// those aliases are understood too.
    /// </summary>
    private static readonly Dictionary<string, FlowLogField> ByLooseName = BuildLooseNames();

    private static Dictionary<string, FlowLogField> BuildLooseNames()
    {
        var d = Table.ToDictionary(t => Loose(t.Name), t => t.Field, StringComparer.Ordinal);
        d["time"] = FlowLogField.Start;
        d["source"] = FlowLogField.SrcAddr;
        d["sourceaddress"] = FlowLogField.SrcAddr;
        d["destination"] = FlowLogField.DstAddr;
        d["destinationaddress"] = FlowLogField.DstAddr;
        d["sourceport"] = FlowLogField.SrcPort;
        d["destinationport"] = FlowLogField.DstPort;
        d["eni"] = FlowLogField.InterfaceId;
        d["networkinterfaceid"] = FlowLogField.InterfaceId;
        d["account"] = FlowLogField.AccountId;
        d["ownerid"] = FlowLogField.AccountId;
        return d;
    }

    /// <summary>The name AWS uses in a format string, e.g. "pkt-srcaddr"; null for <see cref="FlowLogField.Other"/>.</summary>
    public static string? Name(FlowLogField field) => field == FlowLogField.Other ? null : Table.First(t => t.Field == field).Name;

    /// <summary>The flow-log version that introduced the field (R-FL-3).</summary>
    public static int VersionOf(FlowLogField field) => field == FlowLogField.Other ? 0 : Table.First(t => t.Field == field).Version;

    /// <summary>Exact AWS field name ("pkt-srcaddr") to field; unknown names give <see cref="FlowLogField.Other"/>.</summary>
    public static FlowLogField FromName(string name) => ByName.TryGetValue(name, out var f) ? f : FlowLogField.Other;

    public static bool IsKnownName(string name) => ByName.ContainsKey(name);

    /// <summary>A loosely spelled name (Insights' camelCase, the seed's aliases) to field; false when it names no typed field.</summary>
    public static bool TryFromLooseName(string name, out FlowLogField field) => ByLooseName.TryGetValue(Loose(name), out field);

    private static string Loose(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 128)];
        int n = 0;
        foreach (var c in name)
        {
            if (c is '-' or '_' or ' ') continue;
            if (n == buffer.Length) break;
            buffer[n++] = char.ToLowerInvariant(c);
        }
        return new string(buffer[..n]);
    }

    /// <summary>The fields of the default version-2 format in their fixed order (R-FL-2).</summary>
    public static IReadOnlyList<FlowLogField> DefaultOrder { get; } = Table.Where(t => t.Version == 2).Select(t => t.Field).ToArray();
}
