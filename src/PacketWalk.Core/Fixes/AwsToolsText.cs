using System.Globalization;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Fixes;

/// <summary>
/// AWS.Tools for PowerShell command text. Parameter names follow the cmdlets' own (the request members, nested ones
/// flattened with an underscore: -PortRange_From, -IcmpTypeCode_Type). IpPermission is written as an array of hashtables
/// that PowerShell converts to Amazon.EC2.Model.IpPermission[]; AWS SDK v4 (AWS.Tools V5) has Ipv4Ranges, not IpRanges.
/// </summary>
public static class AwsToolsText
{
    /// <summary>A single-quoted PowerShell string.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string RegionArgument(string? region) => region is null ? "" : $" -Region {region}";

    /// <summary>IpProtocol as the API takes it: tcp, udp, icmp, icmpv6 or the protocol number; -1 for all.</summary>
    public static string IpProtocolValue(int protocol) => protocol switch
    {
        IpProtocol.Tcp => "tcp",
        IpProtocol.Udp => "udp",
        IpProtocol.Icmp => "icmp",
        IpProtocol.IcmpV6 => "icmpv6",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>One IpPermission hashtable for a security-group rule.</summary>
    public static string IpPermission(SecurityGroupRule rule)
    {
        var parts = new List<string> { $"IpProtocol = {Quote(IpProtocolValue(rule.Protocol))}" };
        if (rule.FromPort is { } from) parts.Add($"FromPort = {from.ToString(CultureInfo.InvariantCulture)}");
        if (rule.ToPort is { } to) parts.Add($"ToPort = {to.ToString(CultureInfo.InvariantCulture)}");
        var description = rule.Description is null ? "" : $"; Description = {Quote(rule.Description)}";
        if (rule.Cidr is { IsV6: false } v4) parts.Add($"Ipv4Ranges = @(@{{ CidrIp = {Quote(v4.ToString())}{description} }})");
        else if (rule.Cidr is { IsV6: true } v6) parts.Add($"Ipv6Ranges = @(@{{ CidrIpv6 = {Quote(v6.ToString())}{description} }})");
        else if (rule.PrefixListId is { } pl) parts.Add($"PrefixListIds = @(@{{ PrefixListId = {Quote(pl)}{description} }})");
        else if (rule.ReferencedGroupId is { } g)
            parts.Add($"UserIdGroupPairs = @(@{{ GroupId = {Quote(g)}{(rule.ReferencedUserId is { } u ? $"; UserId = {Quote(u)}" : "")}{description} }})");
        return "@{ " + string.Join("; ", parts) + " }";
    }

    /// <summary>New-EC2NetworkAclEntry for one entry.</summary>
    public static string NetworkAclEntry(string networkAclId, NetworkAclEntry entry, string? region)
    {
        var text = $"New-EC2NetworkAclEntry -NetworkAclId {networkAclId} -RuleNumber {entry.RuleNumber.ToString(CultureInfo.InvariantCulture)}"
            + $" -Egress ${(entry.Egress ? "true" : "false")} -Protocol {entry.Protocol.ToString(CultureInfo.InvariantCulture)} -RuleAction {(entry.Allow ? "allow" : "deny")}"
            + (entry.Cidr.IsV6 ? $" -Ipv6CidrBlock {entry.Cidr}" : $" -CidrBlock {entry.Cidr}");
        if (entry.PortRange is { } range) text += $" -PortRange_From {range.From} -PortRange_To {range.To}";
        if (entry.IcmpType is { } type) text += $" -IcmpTypeCode_Type {type} -IcmpTypeCode_Code {entry.IcmpCode ?? -1}";
        return text + RegionArgument(region);
    }

    /// <summary>New-EC2Route or Set-EC2Route with the target parameter that matches the route's target.</summary>
    public static string Route(string cmdlet, string routeTableId, Route route, string? region)
    {
        var destination = route.DestinationPrefixListId is { } pl ? $"-DestinationPrefixListId {pl}"
            : route.DestinationCidr is { IsV6: true } v6 ? $"-DestinationIpv6CidrBlock {v6}" : $"-DestinationCidrBlock {route.DestinationCidr}";
        var target = route.TargetType switch
        {
            RouteTargetType.TransitGateway => "-TransitGatewayId",
            RouteTargetType.VpcPeering => "-VpcPeeringConnectionId",
            RouteTargetType.NatGateway => "-NatGatewayId",
            RouteTargetType.NetworkInterface => "-NetworkInterfaceId",
            RouteTargetType.EgressOnlyInternetGateway => "-EgressOnlyInternetGatewayId",
            RouteTargetType.VpcEndpoint => "-VpcEndpointId",
            _ => "-GatewayId",
        };
        return $"{cmdlet} -RouteTableId {routeTableId} {destination} {target} {route.TargetId}{RegionArgument(region)}";
    }

    /// <summary>New-EC2TransitGatewayRoute or Set-EC2TransitGatewayRoute for a static route to one attachment.</summary>
    public static string TransitGatewayRoute(string cmdlet, TransitGatewayRoute route, string? region) =>
        $"{cmdlet} -TransitGatewayRouteTableId {route.TransitGatewayRouteTableId} -DestinationCidrBlock {route.DestinationCidr}"
        + (route.IsBlackhole ? " -Blackhole $true" : $" -TransitGatewayAttachmentId {route.Targets[0].TransitGatewayAttachmentId}")
        + RegionArgument(region);
}
