using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

public sealed partial class PacketWalker
{
    private PacketHop Hop(WalkDirection direction, HopStep step, NetworkInterface? eni, Subnet? subnet, Packet packet, HopDecision decision,
        string? component, string? rule, string? reason, string? note,
        string? groupId = null, string? networkAclId = null, string? routeTableId = null, string? transitGatewayId = null,
        string? attachmentId = null, string? tgwRouteTableId = null, string? peeringId = null, string? internetGatewayId = null,
        string? egressOnlyId = null, string? natGatewayId = null, string? vpcEndpointId = null,
        string? vpnGatewayId = null, string? vpnConnectionId = null, string? vpcId = null, string? policyTableId = null)
    {
        // Hops without a subnet take their region from the VPC they belong to, or the TGW's own origin (a peering walk spans two).
        var origin = subnet?.Origin ?? eni?.Origin
            ?? (vpcId is not null && _model.Vpcs.TryGetValue(vpcId, out var vpc) ? vpc.Origin : null)
            ?? (transitGatewayId is not null && _model.TransitGateways.TryGetValue(transitGatewayId, out var tgw) ? tgw.Origin : null);
        return new PacketHop
        {
            Direction = direction,
            Step = step,
            Component = component,
            Decision = decision,
            Rule = rule,
            Reason = reason,
            Note = note,
            Region = origin?.Region,
            // The owner of the deciding resource: an interface's own account (a participant's ENI in a shared subnet),
            // else the subnet's (its NACL and route table belong to the subnet owner).
            OwnerId = eni?.OwnerId ?? subnet?.OwnerId ?? origin?.OwnerId,
            VpcId = subnet?.VpcId ?? eni?.VpcId ?? vpcId,
            SubnetId = subnet?.SubnetId ?? eni?.SubnetId,
            AvailabilityZone = subnet?.AvailabilityZone ?? eni?.AvailabilityZone,
            AvailabilityZoneId = subnet is not null ? _model.ZoneOf(subnet).Id : eni is not null ? _model.ZoneOf(eni).Id : null,
            NetworkInterfaceId = eni?.NetworkInterfaceId,
            InstanceId = eni?.InstanceId,
            GroupId = groupId,
            NetworkAclId = networkAclId,
            RouteTableId = routeTableId,
            TransitGatewayId = transitGatewayId,
            TransitGatewayAttachmentId = attachmentId,
            TransitGatewayRouteTableId = tgwRouteTableId,
            TransitGatewayPolicyTableId = policyTableId,
            VpcPeeringConnectionId = peeringId,
            InternetGatewayId = internetGatewayId,
            EgressOnlyInternetGatewayId = egressOnlyId,
            NatGatewayId = natGatewayId,
            VpcEndpointId = vpcEndpointId,
            VpnGatewayId = vpnGatewayId,
            VpnConnectionId = vpnConnectionId,
            SourceAddress = packet.Source.ToString(),
            DestinationAddress = packet.Destination.ToString(),
            Protocol = packet.ProtocolName,
            SourcePort = packet.SourcePortText,
            DestinationPort = packet.DestinationPortText,
        };
    }

    /// <summary>
    /// AVAILABILITY_ZONE_CROSSED when traffic from <paramref name="from"/> uses something in <paramref name="via"/>'s AZ and
    /// that is another AZ (by AZ id, R-AZ-1); a note saying it cannot be told when the two were named by different accounts
    /// without AZ ids.
    /// </summary>
    private void NoteZoneCrossing(Trace trace, Subnet from, Subnet via, string what, string consequence)
    {
        var here = _model.ZoneOf(from);
        var there = _model.ZoneOf(via);
        switch (here.Compare(there))
        {
            case ZoneMatch.Different:
                trace.Note($"AVAILABILITY_ZONE_CROSSED: {from.SubnetId} in {here.Text} {what} in {there.Text}{consequence}");
                break;
            case ZoneMatch.Unknown:
                trace.Note($"{UnknownZoneReason}: whether {from.SubnetId} {what} in its own AZ is unknown: {here.WhyUnknown(there)}");
                break;
        }
    }

    private PacketHop SecurityGroupHop(WalkDirection direction, HopStep step, NetworkInterface eni, Subnet subnet, Packet packet, SecurityGroupDecision sg)
    {
        string? reason = null;
        string? note = null;
        if (sg.DeniesAll)
        {
            reason = sg.GroupIds.Count == 0 || sg.GroupIds.All(g => _model.SecurityGroups.TryGetValue(g, out var group)
                && (step == HopStep.SecurityGroupIngress ? group.IngressRules.Count == 0 : group.EgressRules.Count == 0))
                ? "SG_HAS_NO_RULES" : "ENI_SG_RULES_MISMATCH";
            if (sg.ReferenceRulesNotApplied.Count > 0)
            {
                reason = packet.GroupReferenceLoss ?? "SG_REFERENCING_SUPPORT";
                note = $"{string.Join("; ", sg.ReferenceRulesNotApplied.Select(r => r.Text))} would match, but {packet.GroupReferenceLossNote ?? "group identity is not carried on this path"}";
            }
        }
        else if (!sg.AllowsAll) note = $"only ports {sg.Allowed} are allowed";
        bool unknown = sg.DeniesAll && sg.UnresolvedRules.Count > 0;
        if (unknown)
        {
            reason = sg.UnresolvedRules[0].Code;
            note = (note is null ? "" : note + "; ") + string.Join("; ", sg.UnresolvedRules.Select(u => u.Why));
        }
        if (sg.MissingGroupIds.Count > 0)
            note = (note is null ? "" : note + "; ") + $"groups not in the snapshot: {string.Join(", ", sg.MissingGroupIds)}";
        var decidingGroup = sg.MatchingRules.Count > 0 ? sg.MatchingRules[0].GroupId : string.Join(",", sg.GroupIds);
        return Hop(direction, step, eni, subnet, packet, unknown ? HopDecision.Unknown : sg.DeniesAll ? HopDecision.Deny : HopDecision.Allow, eni.NetworkInterfaceId,
            sg.RuleText, reason, note, groupId: decidingGroup);
    }

    private PacketHop RouteHop(WalkDirection direction, Subnet subnet, RouteTable table, Packet packet, HopDecision decision, string rule, string? reason) =>
        Hop(direction, HopStep.RouteLookup, null, subnet, packet, decision, table.RouteTableId, rule, reason, null, routeTableId: table.RouteTableId);

    private LegOutcome StopWithHop(WalkDirection direction, HopStep step, Trace trace, Packet packet, Subnet? subnet, OutcomeKind kind, string at, string reason,
        string rule, string explanation, string? transitGatewayId = null, string? attachmentId = null, string? tgwRouteTableId = null, string? note = null,
        string? vpnGatewayId = null, string? policyTableId = null)
    {
        var decision = kind switch
        {
            OutcomeKind.Unknown => HopDecision.Unknown,
            OutcomeKind.Ambiguous => HopDecision.Ambiguous,
            _ => reason switch
            {
                "TGW_RTB_CANNOT_ROUTE" or "NO_ROUTE_TO_DESTINATION" => HopDecision.NoRoute,
                "TGW_RTB_BAD_STATE_ROUTE" or "BAD_STATE_ROUTE" when rule.Contains("blackhole", StringComparison.Ordinal) => HopDecision.Blackhole,
                _ => HopDecision.Deny,
            },
        };
        trace.Hops.Add(Hop(direction, step, null, subnet, packet, decision, at, rule, reason, note ?? explanation,
            transitGatewayId: transitGatewayId, attachmentId: attachmentId, tgwRouteTableId: tgwRouteTableId, vpnGatewayId: vpnGatewayId,
            policyTableId: policyTableId));
        return Stop(kind, trace, packet, at, reason, rule, explanation);
    }
}
