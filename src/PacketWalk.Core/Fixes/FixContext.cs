using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Fixes;

/// <summary>
/// One round of fix planning over one model: turns each blocker into the smallest change that clears it. Filters get a
/// rule for exactly the blocked packet (its protocol and ports, the peer's /32 or group); routes get a next hop that the
/// model shows leads on towards the destination.
/// </summary>
internal sealed partial class FixContext
{
    private readonly NetworkModel _model;
    private readonly PacketPathResult _walk;
    private readonly WalkRequest _request;
    private readonly FixOptions _options;
    private readonly int _round;
    /// <summary>NACL rule numbers taken, per (NACL, egress), including numbers this round has handed out.</summary>
    private readonly Dictionary<(string, bool), SortedSet<int>> _usedRuleNumbers = new();

    public FixContext(NetworkModel model, PacketPathResult walk, WalkRequest request, FixOptions options, int round)
    {
        _model = model;
        _walk = walk;
        _request = request;
        _options = options;
        _round = round;
    }

    public IEnumerable<PathFix> Propose(PacketBlocker blocker) => (blocker.Step, blocker.Reason) switch
    {
        (HopStep.SecurityGroupIngress, _) => SecurityGroupFix(blocker, RuleDirection.Inbound),
        (HopStep.SecurityGroupEgress, _) => SecurityGroupFix(blocker, RuleDirection.Outbound),
        (HopStep.NaclInbound or HopStep.NaclOutbound, _) => NaclFix(blocker),
        (_, "NO_ROUTE_TO_DESTINATION") => NoRouteFix(blocker),
        (_, "BAD_STATE_ROUTE") => BlackholeRouteFix(blocker),
        (_, "TGW_RTB_CANNOT_ROUTE") => TgwNoRouteFix(blocker),
        (_, "TGW_RTB_BAD_STATE_ROUTE") => TgwBlackholeFix(blocker),
        (_, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION") => AssociationFix(blocker),
        (_, "TGW_ROUTE_AZ_RESTRICTION") => AttachmentSubnetFix(blocker),
        (_, "BAD_STATE_ATTACHMENT") => AttachmentStateFix(blocker),
        (_, "ENI_SOURCE_DEST_CHECK_RESTRICTION") => SourceDestCheckFix(blocker),
        (HopStep.VpcPeering, "BAD_STATE") => PeeringStateFix(blocker),
        (_, "TGW_POLICY_TABLE_NO_MATCH") => PolicyNoMatchFix(blocker),
        (_, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED") => BlockPublicAccessFix(blocker),
        (_, "REGIONAL_NGW_ROUTE_AZ_RESTRICTION") => RegionalNatAzFix(blocker),
        (_, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS") => new[] { Structural(blocker, blocker.NetworkInterfaceId ?? blocker.Component,
            $"{blocker.SourceAddress} has no public IPv4 address, so {blocker.Component} cannot translate it (R-IGW-1/2).",
            "give the interface an Elastic IP (New-EC2Address -Domain vpc, then Register-EC2Address -NetworkInterfaceId ... -AllocationId ...), or route the subnet's internet traffic to a public NAT gateway") },
        _ => new[] { Structural(blocker, null, $"PacketWalk proposes no change for {blocker.Reason} at {blocker.Component}.", blocker.Explanation) },
    };

    // ---- security groups (R-SG-1, R-SG-4..9) ----

    private IEnumerable<PathFix> SecurityGroupFix(PacketBlocker blocker, RuleDirection direction)
    {
        var eniId = blocker.NetworkInterfaceId ?? blocker.Component;
        if (eniId is null || !_model.NetworkInterfaces.TryGetValue(eniId, out var eni))
            return new[] { Structural(blocker, null, $"The interface {eniId} is not in the snapshot.", null) };
        var groups = eni.GroupIds.Where(_model.SecurityGroups.ContainsKey).ToList();
        if (groups.Count == 0)
            return new[] { Structural(blocker, null, $"{eni.NetworkInterfaceId} has no security group in the snapshot to add a rule to.",
                "attach a security group to the interface (Edit-EC2NetworkInterfaceAttribute -Group)") };
        // The rule goes into the interface's group with the fewest members, so it opens as few other interfaces as possible.
        var groupId = NarrowestGroup(groups);
        var group = _model.SecurityGroups[groupId];
        var packet = blocker.Packet;
        var (peer, peerText, peerNote) = direction == RuleDirection.Inbound ? IngressPeer(blocker, eni) : EgressPeer(blocker, eni);
        var description = RuleDescription();
        var rules = PermissionPorts(packet, blocker.DeniedPorts)
            .Select(p => new SecurityGroupRule(groupId, direction, packet.Protocol, p.From, p.To, peer.Cidr, null, peer.GroupId, peer.UserId, description))
            .ToList();
        var members = _model.NetworkInterfacesInGroup(groupId).Count;
        var cmdlet = direction == RuleDirection.Inbound ? "Grant-EC2SecurityGroupIngress" : "Grant-EC2SecurityGroupEgress";
        var command = $"{cmdlet} -GroupId {groupId} -IpPermission @({string.Join(", ", rules.Select(AwsToolsText.IpPermission))}){AwsToolsText.RegionArgument(group.Origin.Region ?? blocker.Region)}";
        var notes = new List<string>();
        if (peerNote is not null) notes.Add(peerNote);
        if (members > 1) notes.Add($"{groupId} is on {members} interfaces; the rule applies to all of them");
        if (groups.Count > 1) notes.Add($"chosen from {string.Join(", ", groups)} as the group with the fewest members");
        var edits = rules.Select(r => (ModelEdit)new AddSecurityGroupRule(r)).ToList();
        return new[]
        {
            new PathFix
            {
                Round = _round,
                Kind = direction == RuleDirection.Inbound ? PathFixKind.SecurityGroupIngress : PathFixKind.SecurityGroupEgress,
                Command = command,
                Change = $"allow {(direction == RuleDirection.Inbound ? "inbound" : "outbound")} {PacketText(packet, blocker.DeniedPorts)} {(direction == RuleDirection.Inbound ? "from" : "to")} {peerText} in {groupId}",
                Note = notes.Count == 0 ? null : string.Join("; ", notes),
                Edit = edits.Count == 1 ? edits[0] : new CompositeEdit(edits),
                ResourceId = groupId, GroupId = groupId, VpcId = group.VpcId, NetworkInterfaceId = eni.NetworkInterfaceId,
                Region = group.Origin.Region ?? blocker.Region, OwnerId = group.OwnerId,
            }.WithFlow(this, blocker),
        };
    }

    private readonly record struct RulePeer(Cidr? Cidr, string? GroupId, string? UserId);

    /// <summary>
    /// Inbound: the source's security group where group identity survived the path (same VPC, peering in one Region, TGW
    /// with referencing on both sides: R-SG-9, R-TGW-12), else the packet's source address as it arrives, as a /32 or /128.
    /// </summary>
    private (RulePeer Peer, string Text, string? Note) IngressPeer(PacketBlocker blocker, NetworkInterface target)
    {
        var packet = blocker.Packet;
        var address = Cidr.Host(packet.Source);
        if (_options.AddressOnly)
            return (new RulePeer(address, null, null), address.ToString(), null);
        var sourceEni = packet.SourceInterfaces.FirstOrDefault(e => e.PrivateIps.Contains(packet.Source) || e.Ipv6Addresses.Contains(packet.Source));
        if (packet.GroupReferenceLoss is not null || blocker.Reason == "SG_REFERENCING_SUPPORT")
            return (new RulePeer(address, null, null), address.ToString(),
                $"a security-group reference would not match here ({packet.GroupReferenceLoss ?? blocker.Reason}: {packet.GroupReferenceLossNote ?? "group identity is not carried on this path"}), so the rule names the address");
        var sourceGroups = sourceEni?.GroupIds.Where(_model.SecurityGroups.ContainsKey).ToList();
        if (sourceEni is null || sourceGroups is null || sourceGroups.Count == 0)
            return (new RulePeer(address, null, null), address.ToString(), null);
        var referenced = NarrowestGroup(sourceGroups);
        var members = _model.NetworkInterfacesInGroup(referenced).Count;
        var owner = _model.SecurityGroups[referenced].OwnerId;
        var userId = owner is not null && owner != _model.SecurityGroups[target.GroupIds.First(_model.SecurityGroups.ContainsKey)].OwnerId ? owner : null;
        return (new RulePeer(null, referenced, userId), $"group {referenced}",
            $"references {referenced} (the source's group{(members > 1 ? $", {members} members" : ", its only member")}); use -AddressOnly for {address} instead");
    }

    /// <summary>Outbound: the destination's group where it is in the same VPC (references in outbound rules never cross a TGW, R-TGW-12), else its address.</summary>
    private (RulePeer Peer, string Text, string? Note) EgressPeer(PacketBlocker blocker, NetworkInterface source)
    {
        var packet = blocker.Packet;
        var address = Cidr.Host(packet.Destination);
        if (_options.AddressOnly)
            return (new RulePeer(address, null, null), address.ToString(), null);
        var destinationEni = _model.NetworkInterfacesWithAddress(packet.Destination).FirstOrDefault(e => e.VpcId == source.VpcId
            && (e.PrivateIps.Contains(packet.Destination) || e.Ipv6Addresses.Contains(packet.Destination)));
        var groups = destinationEni?.GroupIds.Where(_model.SecurityGroups.ContainsKey).ToList();
        if (destinationEni is null || groups is null || groups.Count == 0)
            return (new RulePeer(address, null, null), address.ToString(), null);
        var referenced = NarrowestGroup(groups);
        var members = _model.NetworkInterfacesInGroup(referenced).Count;
        return (new RulePeer(null, referenced, null), $"group {referenced}",
            $"references {referenced} (the destination's group{(members > 1 ? $", {members} members" : ", its only member")}); use -AddressOnly for {address} instead");
    }

    /// <summary>The group with the fewest member interfaces (ties: the first on the interface).</summary>
    private string NarrowestGroup(IReadOnlyList<string> groupIds) =>
        groupIds.Select((g, i) => (g, i, n: _model.NetworkInterfacesInGroup(g).Count)).OrderBy(x => x.n).ThenBy(x => x.i).First().g;

    /// <summary>
    /// Port fields of the rule: each blocked tcp/udp range, the ICMP type and code of the packet (R-SG-6), nothing for
    /// other protocols (they match every port, R-SG-5).
    /// </summary>
    private static IEnumerable<(int? From, int? To)> PermissionPorts(Packet packet, PortSet denied)
    {
        if (IpProtocol.HasPorts(packet.Protocol))
            return (denied.IsEmpty ? packet.DestinationPorts : denied).Ranges.Select(r => ((int?)r.From, (int?)r.To));
        if (IpProtocol.IsIcmpFamily(packet.Protocol))
            return new[] { ((int?)(packet.IcmpType ?? -1), (int?)(packet.IcmpType is null ? -1 : packet.IcmpCode ?? -1)) };
        return new[] { ((int?)null, (int?)null) };
    }

    private string RuleDescription()
    {
        // Security-group rule descriptions allow a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$* only.
        var text = $"PacketWalk fix for {_request.Source} to {_request.Destination} {IpProtocol.Name(_request.Protocol)}{(_request.Port is { } p ? "/" + p : "")}";
        return new string(text.Where(c => char.IsAsciiLetterOrDigit(c) || " ._-:/()#,@[]+=&;{}!$*".Contains(c)).ToArray());
    }

    // ---- network ACLs (R-NACL-1..6, R-NACL-10) ----

    private IEnumerable<PathFix> NaclFix(PacketBlocker blocker)
    {
        var aclId = blocker.NetworkAclId ?? blocker.Component;
        if (aclId is null || !_model.NetworkAcls.TryGetValue(aclId, out var acl))
            return new[] { Structural(blocker, null, $"The network ACL {aclId} is not in the snapshot.", null) };
        var packet = blocker.Packet;
        bool egress = blocker.Step == HopStep.NaclOutbound;
        var ruleDirection = egress ? RuleDirection.Outbound : RuleDirection.Inbound;
        var peer = egress ? packet.Destination : packet.Source;
        var ports = blocker.DeniedPorts.IsEmpty ? packet.DestinationPorts : blocker.DeniedPorts;
        string? widened = null;
        if (blocker.Direction == WalkDirection.Return && IpProtocol.HasPorts(packet.Protocol))
        {
            // R-NACL-10: the reply goes to whichever ephemeral port the client picked, so the rule covers the client's range.
            var withRange = ports.Union(PortSet.Of(new[] { _walk.ClientEphemeralRange }));
            if (!withRange.Equals(ports)) widened = $"covers the client's ephemeral range {_walk.ClientEphemeralRange} (R-NACL-10), not only the walked port {ports}";
            ports = withRange;
        }
        var decision = NaclEvaluator.Evaluate(acl, ruleDirection, peer, packet.Protocol, ports, packet.IcmpType, packet.IcmpCode);
        var cidr = Cidr.Host(peer);
        var fixes = new List<PathFix>();
        foreach (var match in decision.Matches.Where(m => !m.Entry.Allow))
        {
            var rangeList = IpProtocol.HasPorts(packet.Protocol) ? match.Ports.Ranges.Select(r => (PortRange?)r).ToList() : new List<PortRange?> { null };
            foreach (var range in rangeList)
            {
                var number = FreeRuleNumber(acl, egress, match.Entry.RuleNumber);
                var denyText = match.Entry.RuleNumber == 32767 ? "rule * (deny all)" : $"rule {match.Entry.RuleNumber} ({match.Entry.Text})";
                if (number is null)
                {
                    fixes.Add(Structural(blocker, acl.NetworkAclId,
                        $"{acl.NetworkAclId} has no free rule number before {denyText}; replace that rule (Set-EC2NetworkAclEntry) or renumber the ACL.", null));
                    continue;
                }
                int? icmpType = IpProtocol.IsIcmpFamily(packet.Protocol) ? packet.IcmpType ?? -1 : null;
                int? icmpCode = IpProtocol.IsIcmpFamily(packet.Protocol) ? (packet.IcmpType is null ? -1 : packet.IcmpCode ?? -1) : null;
                var entry = new NetworkAclEntry(number.Value, egress, packet.Protocol, true, cidr, range, icmpType, icmpCode);
                var region = acl.Origin.Region ?? blocker.Region;
                fixes.Add(new PathFix
                {
                    Round = _round,
                    Kind = PathFixKind.NetworkAclEntry,
                    Command = AwsToolsText.NetworkAclEntry(acl.NetworkAclId, entry, region),
                    Change = $"allow {(egress ? "outbound" : "inbound")} {IpProtocol.Name(packet.Protocol)}{(range is { } r ? " " + r : "")} {(egress ? "to" : "from")} {cidr} in {acl.NetworkAclId} as rule {number}, before {denyText}",
                    Note = widened,
                    Edit = new AddNetworkAclEntry(acl.NetworkAclId, entry),
                    ResourceId = acl.NetworkAclId, NetworkAclId = acl.NetworkAclId, VpcId = acl.VpcId, SubnetId = blocker.SubnetId,
                    Region = region, OwnerId = acl.OwnerId,
                }.WithFlow(this, blocker));
            }
        }
        if (fixes.Count == 0)
            fixes.Add(Structural(blocker, acl.NetworkAclId, $"No deny rule of {acl.NetworkAclId} matches the packet any more.", null));
        return fixes;
    }

    /// <summary>
    /// A rule number that lands before the deny that matched (R-NACL-2: lowest number first). Any free number below the
    /// deny is equivalent for the blocked packet — no earlier rule matched it — so prefer a tidy one: for the * rule the
    /// next hundred after the last rule, otherwise the highest free multiple of ten between the previous rule and the deny.
    /// </summary>
    private int? FreeRuleNumber(NetworkAcl acl, bool egress, int denyNumber)
    {
        if (!_usedRuleNumbers.TryGetValue((acl.NetworkAclId, egress), out var used))
            _usedRuleNumbers[(acl.NetworkAclId, egress)] = used = new SortedSet<int>(acl.Entries.Where(e => e.Egress == egress && e.RuleNumber < 32767).Select(e => e.RuleNumber));
        int? chosen = null;
        if (denyNumber >= 32767)
        {
            var next = ((used.Count == 0 ? 0 : used.Max) / 100 + 1) * 100;
            if (next <= 32766 && !used.Contains(next)) chosen = next;
            denyNumber = 32767;
        }
        if (chosen is null)
        {
            var previous = used.GetViewBetween(0, denyNumber - 1).Reverse().FirstOrDefault();
            for (int n = (denyNumber - 1) / 10 * 10; n > previous && chosen is null; n -= 10)
                if (n >= 1 && n < denyNumber && !used.Contains(n)) chosen = n;
            for (int n = denyNumber - 1; n >= 1 && chosen is null; n--)
                if (!used.Contains(n)) chosen = n;
        }
        if (chosen is { } c) used.Add(c);
        return chosen;
    }

    // ---- interface attributes (R-ENI-1) ----

    private IEnumerable<PathFix> SourceDestCheckFix(PacketBlocker blocker)
    {
        var eniId = blocker.NetworkInterfaceId ?? blocker.Component;
        if (eniId is null || !_model.NetworkInterfaces.TryGetValue(eniId, out var eni))
            return new[] { Structural(blocker, null, $"The interface {eniId} is not in the snapshot.", null) };
        return new[]
        {
            new PathFix
            {
                Round = _round,
                Kind = PathFixKind.SourceDestCheck,
                Command = $"Edit-EC2NetworkInterfaceAttribute -NetworkInterfaceId {eni.NetworkInterfaceId} -SourceDestCheck $false{AwsToolsText.RegionArgument(eni.Origin.Region ?? blocker.Region)}",
                Change = $"disable the source/destination check of {eni.NetworkInterfaceId} so it forwards packets not addressed to it (R-ENI-1)",
                Edit = new SetSourceDestCheck(eni.NetworkInterfaceId, false),
                ResourceId = eni.NetworkInterfaceId, NetworkInterfaceId = eni.NetworkInterfaceId, VpcId = eni.VpcId, SubnetId = eni.SubnetId,
                Region = eni.Origin.Region ?? blocker.Region, OwnerId = eni.OwnerId,
            }.WithFlow(this, blocker),
        };
    }

    /// <summary>R-PCX-4: only an active peering carries traffic; a pending one waits for the accepter.</summary>
    private IEnumerable<PathFix> PeeringStateFix(PacketBlocker blocker)
    {
        var pcxId = blocker.Hop.VpcPeeringConnectionId ?? blocker.Component!;
        var status = _model.VpcPeeringConnections.TryGetValue(pcxId, out var pcx) ? pcx.Status : null;
        var pending = string.Equals(status, "pending-acceptance", StringComparison.OrdinalIgnoreCase);
        return new[] { Structural(blocker, pcxId, $"{pcxId} is {status ?? "not active"}; only an active peering connection carries traffic (R-PCX-4)",
            pending ? "the owner of the accepter VPC accepts it (in that account and Region)" : "a peering connection in this state has to be requested again",
            pending ? $"Approve-EC2VpcPeeringConnection -VpcPeeringConnectionId {pcxId}{AwsToolsText.RegionArgument(pcx?.AccepterRegion ?? blocker.Region)}" : null) };
    }

    // ---- shared ----

    private PathFix Structural(PacketBlocker blocker, string? resourceId, string change, string? note, string? command = null) => new PathFix
    {
        Round = _round,
        Kind = PathFixKind.Structural,
        Command = command,
        Change = change,
        Note = note,
        ResourceId = resourceId ?? blocker.Component,
        Region = blocker.Region,
        VpcId = blocker.VpcId,
        SubnetId = blocker.SubnetId,
        TransitGatewayAttachmentId = blocker.TransitGatewayAttachmentId,
        TransitGatewayId = blocker.TransitGatewayId,
    }.WithFlow(this, blocker);

    internal PathFix Flow(PathFix fix, PacketBlocker blocker) => new()
    {
        Round = fix.Round, Kind = fix.Kind, Command = fix.Command, Change = fix.Change, Note = fix.Note, Edit = fix.Edit,
        ResourceId = fix.ResourceId, Region = fix.Region, OwnerId = fix.OwnerId, VpcId = fix.VpcId, GroupId = fix.GroupId,
        NetworkAclId = fix.NetworkAclId, RouteTableId = fix.RouteTableId, TransitGatewayId = fix.TransitGatewayId,
        TransitGatewayRouteTableId = fix.TransitGatewayRouteTableId, TransitGatewayAttachmentId = fix.TransitGatewayAttachmentId,
        NetworkInterfaceId = fix.NetworkInterfaceId, SubnetId = fix.SubnetId,
        Source = _request.Source,
        Destination = _request.Destination,
        Protocol = IpProtocol.Name(_request.Protocol),
        Port = IpProtocol.HasPorts(_request.Protocol) ? _request.Port : null,
        Direction = blocker.Direction,
        Step = blocker.Step,
        BlockedAt = blocker.Component,
        BlockerReason = blocker.Reason,
        Blocker = blocker,
    };

    private static string PacketText(Packet packet, PortSet denied) =>
        IpProtocol.HasPorts(packet.Protocol) ? $"{packet.ProtocolName} {(denied.IsEmpty ? packet.DestinationPorts : denied)}"
        : IpProtocol.IsIcmpFamily(packet.Protocol) ? $"{packet.ProtocolName} type {packet.IcmpType} code {packet.IcmpCode ?? 0}"
        : $"protocol {packet.ProtocolName}";
}

internal static class PathFixFlow
{
    /// <summary>Stamps the flow and the blocker on a fix built inside a <see cref="FixContext"/>.</summary>
    public static PathFix WithFlow(this PathFix fix, FixContext context, PacketBlocker blocker) => context.Flow(fix, blocker);
}

/// <summary>Several edits made by one command (one Grant- call with several IpPermissions).</summary>
public sealed record CompositeEdit(IReadOnlyList<ModelEdit> Edits) : ModelEdit
{
    public override string ResourceId => Edits[0].ResourceId;
    public override string Description => string.Join("; ", Edits.Select(e => e.Description));
    internal override void Apply(NetworkModelBuilder builder)
    {
        foreach (var edit in Edits) edit.Apply(builder);
    }
}
