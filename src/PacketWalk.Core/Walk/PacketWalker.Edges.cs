using PacketWalk.Core.Model;

namespace PacketWalk.Core.Walk;

public sealed partial class PacketWalker
{
    /// <summary>
    /// Route targets beyond local and transit gateway. Until a component's rules are modelled the walk stops here
    /// as Unknown naming the component — never Reachable.
    /// </summary>
    private LegOutcome RouteToOtherTarget(WalkDirection direction, Subnet subnet, Route route, RouteTable table, Packet packet, Trace trace, int budget) =>
        StopWithHop(direction, HopStep.RouteLookup, trace, packet, subnet, OutcomeKind.Unknown, route.TargetId ?? table.RouteTableId, "UNSUPPORTED_COMPONENT",
            route.Text, $"The route {route.DestinationText} in {table.RouteTableId} leads to {route.TargetId} ({route.TargetType}), which this version of PacketWalk does not walk through.");
}
