using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// VPC peering (R-PCX-1..6): only an active connection carries traffic; the packet must be for an address of the peer
// VPC (no transit, no edge-to-edge), and is delivered there by the local route. Each side routes on its own, so the
// reply is routed by longest prefix from the other side (R-PCX-5), not "back where it came from".
public sealed partial class PacketWalker
{
    private LegOutcome ThroughPeering(WalkDirection direction, Subnet subnet, Route route, Packet packet, Trace trace, int budget)
    {
        var pcxId = route.TargetId!;
        LegOutcome Halt(OutcomeKind kind, string reason, string rule, string explanation) =>
            StopAt(direction, HopStep.VpcPeering, trace, packet, subnet, null, kind, pcxId, reason, rule, explanation, peeringId: pcxId);

        if (!_model.VpcPeeringConnections.TryGetValue(pcxId, out var pcx))
            return Halt(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", route.Text,
                $"The route {route.DestinationText} in {subnet.VpcId} leads to {pcxId}, which is not in the snapshot (describe-vpc-peering-connections).");
        if (!pcx.IsActive)
            // R-PCX-4: only active connections carry traffic (pending-acceptance, rejected, expired, deleted do not).
            return Halt(OutcomeKind.Blocked, "BAD_STATE", $"{pcxId} is {pcx.Status}", $"{pcxId} is {pcx.Status}; only an active peering connection carries traffic (R-PCX-4).");

        bool isRequester = pcx.RequesterVpcId == subnet.VpcId;
        if (!isRequester && pcx.AccepterVpcId != subnet.VpcId)
            return Halt(OutcomeKind.Blocked, "BAD_STATE_ATTACHMENT", route.Text, $"{pcxId} connects {pcx.RequesterVpcId} and {pcx.AccepterVpcId}, not {subnet.VpcId}.");
        var peerVpcId = isRequester ? pcx.AccepterVpcId : pcx.RequesterVpcId;
        var peerOwner = isRequester ? pcx.AccepterOwnerId : pcx.RequesterOwnerId;
        var peerRegion = isRequester ? pcx.AccepterRegion : pcx.RequesterRegion;
        var localRegion = isRequester ? pcx.RequesterRegion : pcx.AccepterRegion;
        _model.Vpcs.TryGetValue(peerVpcId, out var peerVpc);
        var peerCidrs = (isRequester ? pcx.AccepterCidrs : pcx.RequesterCidrs).Concat(peerVpc?.AllCidrs ?? Enumerable.Empty<Cidr>()).Distinct().ToList();

        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stop) return stop;
        packet = outbound.Packet;

        if (!peerCidrs.Any(c => c.Contains(packet.Destination)))
            // R-PCX-1/2: a peering connection carries traffic only for addresses of the peer VPC: no transit through it,
            // and no use of the peer's internet gateway, NAT, VPN, Direct Connect or gateway endpoint.
            return Halt(OutcomeKind.Blocked, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", $"{packet.Destination} is not in {peerVpcId} ({string.Join(", ", peerCidrs)})",
                $"{pcxId} carries only traffic for {peerVpcId}'s own CIDRs; {packet.Destination} is outside them, so the peer cannot forward it on (no transitive or edge-to-edge routing, R-PCX-1/2).");

        var crossRegion = localRegion is not null && peerRegion is not null && !string.Equals(localRegion, peerRegion, StringComparison.Ordinal);
        trace.AddToPath(pcxId);
        trace.Hops.Add(Hop(direction, HopStep.VpcPeering, null, subnet, packet, HopDecision.Forward, pcxId,
            $"{pcxId} to {peerVpcId}{(peerOwner is null ? "" : $" (account {peerOwner}")}{(peerRegion is null ? "" : $"{(peerOwner is null ? " (" : ", ")}{peerRegion}")}{(peerOwner is null && peerRegion is null ? "" : ")")}", null,
            crossRegion ? $"inter-Region peering ({localRegion} to {peerRegion}): security-group references do not cross it (R-SG-14); MTU 1500 (R-MISC-1)"
                : "delivered in the peer VPC by its local route; the peer's route tables and gateways are not used (R-PCX-1/2)",
            peeringId: pcxId));
        if (peerVpc is null)
            return StopAt(direction, HopStep.VpcPeering, trace, packet, null, null, OutcomeKind.Unknown, pcxId, "UNKNOWN_RESOURCE",
                $"{peerVpcId} is not in the snapshot",
                $"{pcxId} leads to {peerVpcId}{(peerOwner is null ? "" : $" in account {peerOwner}")}{(peerRegion is null ? "" : $", {peerRegion}")}, which is not in the snapshot: add that account's and Region's describe-* output to walk on.",
                peeringId: pcxId);
        if (crossRegion && packet.GroupReferenceLoss is null)
            packet = packet with
            {
                GroupReferenceLoss = "SG_REFERENCES_NOT_PRESERVED",
                GroupReferenceLossNote = $"{pcxId} is an inter-Region peering connection ({localRegion} to {peerRegion}); security groups can reference peer groups only within one Region (R-SG-14)",
            };
        trace.EnteredVpc = (peerVpcId, "vpc-peering");
        return EnterVpcLocally(direction, peerVpcId, packet, trace, pcxId);
    }

    /// <summary>An active peering connection joins the two VPCs within one Region, so group references work across it (R-SG-14).</summary>
    private bool PeeredInOneRegion(string vpcA, string vpcB) =>
        _model.VpcPeeringConnections.Values.Any(p => p.IsActive
            && ((p.RequesterVpcId == vpcA && p.AccepterVpcId == vpcB) || (p.RequesterVpcId == vpcB && p.AccepterVpcId == vpcA))
            && (p.RequesterRegion is null || p.AccepterRegion is null || p.RequesterRegion == p.AccepterRegion));
}
