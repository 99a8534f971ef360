using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// VPC endpoints as route targets (R-VPCE-1, R-GWLB-1). Gateway endpoints (S3, DynamoDB) are reached by the prefix-list
// route pl-… -> vpce-… that associating a route table adds; the service behind them is where the walk ends, and the
// reply comes back into the VPC by the local route. Interface endpoints are ENIs and are walked as such (R-VPCE-2).
public sealed partial class PacketWalker
{
    private LegOutcome ToVpcEndpoint(WalkDirection direction, Subnet subnet, Route route, RouteTable table, Packet packet, Trace trace)
    {
        var vpceId = route.TargetId!;
        LegOutcome Halt(OutcomeKind kind, string reason, string rule, string explanation) =>
            StopAt(direction, HopStep.GatewayEndpoint, trace, packet, subnet, null, kind, vpceId, reason, rule, explanation, vpceId: vpceId);

        if (!_model.VpcEndpoints.TryGetValue(vpceId, out var vpce))
            return Halt(OutcomeKind.Unknown, "UNKNOWN_RESOURCE", route.Text, $"The route {route.DestinationText} leads to {vpceId}, which is not in the snapshot (describe-vpc-endpoints).");
        if (string.Equals(vpce.VpcEndpointType, "GatewayLoadBalancer", StringComparison.OrdinalIgnoreCase))
            // R-GWLB-1: what the load balancer's appliances do is not walked.
            return Halt(OutcomeKind.Unknown, "PATH_THROUGH_GWLB_NOT_CHECKED", route.Text,
                $"{table.RouteTableId} sends the traffic to {vpceId}, a Gateway Load Balancer endpoint; PacketWalk does not follow the path through the load balancer and its appliances (R-GWLB-1).");
        if (!string.Equals(vpce.VpcEndpointType, "Gateway", StringComparison.OrdinalIgnoreCase))
            return Halt(OutcomeKind.Unknown, "UNSUPPORTED_COMPONENT", route.Text, $"{vpceId} is a {vpce.VpcEndpointType} endpoint, which is not a route target.");
        if (!string.Equals(vpce.State, "available", StringComparison.OrdinalIgnoreCase))
            return Halt(OutcomeKind.Blocked, "BAD_STATE", $"{vpceId} is {vpce.State}", $"The gateway endpoint {vpceId} is {vpce.State}; only an available endpoint carries traffic.");
        if (_model.Vpcs.TryGetValue(vpce.VpcId, out var vpc) && !vpc.ContainsAddress(packet.Source))
            // R-VPCE-1: a gateway endpoint cannot be used from outside its VPC (peering, VPN, Direct Connect, transit gateway).
            return Halt(OutcomeKind.Blocked, "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION", $"source {packet.Source} is outside {vpce.VpcId}",
                $"{vpceId} carries only traffic from addresses of its own VPC {vpce.VpcId}; {packet.Source} is outside it (a gateway endpoint is not usable through a peering connection, VPN, Direct Connect or transit gateway, R-VPCE-1).");
        bool echo = packet.Protocol == IpProtocol.Icmp && packet.IcmpType is 8 or 0;
        if (packet.Protocol != IpProtocol.Tcp && !echo)
            return Halt(OutcomeKind.Blocked, "VPCE_GATEWAY_PROTOCOL_RESTRICTION", $"{Describe(packet)}",
                $"A gateway endpoint carries only TCP and ICMP echo; {Describe(packet)} is dropped (R-VPCE-1).");

        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace);
        if (outbound.Stop is { } stop) return stop;
        packet = outbound.Packet;
        trace.AddToPath(vpceId);
        trace.Hops.Add(Hop(direction, HopStep.GatewayEndpoint, null, subnet, packet, HopDecision.Forward, vpceId,
            $"{route.DestinationText} -> {vpceId} ({vpce.ServiceName})", null,
            (vpce.PolicyDocument is null ? "no endpoint policy in the snapshot (the default allows all)" : "the endpoint policy is noted, not evaluated: PacketWalk checks the network path only")
            + "; the source address is not translated",
            vpcEndpointId: vpceId));
        trace.Hops.Add(Hop(direction, HopStep.Destination, null, null, packet, HopDecision.Deliver, vpceId,
            $"{packet.Destination} is {vpce.ServiceName}", null, "the service behind the gateway endpoint is where the walk ends", vpcEndpointId: vpceId, vpcId: vpce.VpcId));
        return new LegOutcome(OutcomeKind.Delivered, trace, packet) { Reached = new Terminus(TerminusKind.GatewayEndpointService, vpceId) { VpcId = vpce.VpcId } };
    }

    /// <summary>The service answers through the gateway endpoint; the VPC router delivers by the local route.</summary>
    private LegOutcome ReplyFromGatewayEndpoint(Terminus end, Packet reply, Trace trace)
    {
        var vpce = _model.VpcEndpoints[end.ComponentId];
        trace.AddToPath(end.ComponentId);
        trace.Hops.Add(Hop(WalkDirection.Return, HopStep.GatewayEndpoint, null, null, reply, HopDecision.Forward, end.ComponentId,
            $"reply from {vpce.ServiceName}", null, "the reply comes back into the VPC through the gateway endpoint", vpcEndpointId: end.ComponentId, vpcId: end.VpcId));
        trace.EnteredVpc = (end.VpcId!, "gateway-endpoint");
        return EnterVpcLocally(WalkDirection.Return, end.VpcId!, reply, trace, end.ComponentId);
    }
}
