using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

public sealed partial class PacketWalker
{
    /// <summary>One direction of the walk, from an interface (or a gateway, attachment or the internet) to an endpoint.</summary>
    private LegOutcome RunLeg(WalkDirection direction, Endpoint from, Endpoint to, Packet packet, Trace trace)
    {
        trace.Target ??= to;
        if (from.Note is { } fromNote) trace.Note(fromNote);
        if (to.Note is { } toNote) trace.Note(toNote);
        switch (from.Kind)
        {
            case EndpointKind.Internet:
                return StartFromInternet(direction, from, to, packet, trace);
            case EndpointKind.TransitGatewayAttachment:
                return StartFromTransitGatewayAttachment(direction, from, packet, trace);
            case EndpointKind.VirtualPrivateGateway:
                return StartFromVirtualPrivateGateway(direction, from, packet, trace);
        }
        var eni = from.Interface!;
        var subnet = _model.Subnets[eni.SubnetId];
        trace.AddToPath(eni.NetworkInterfaceId);

        if (direction == WalkDirection.Forward && _addresses.VpcEndpointOf(eni) is { } endpoint && _model.VpcContaining(packet.Destination) is { } destinationVpc && destinationVpc.VpcId == eni.VpcId)
            // R-VPCE-2: an interface endpoint answers connections (its replies pass); it does not open them into its own VPC.
            return StopAt(direction, HopStep.InterfaceEndpoint, trace, packet, subnet, eni, OutcomeKind.Blocked, eni.NetworkInterfaceId, "VPCE_INTRA_VPC_TRAFFIC",
                $"{endpoint.VpcEndpointId} ({endpoint.ServiceName})", $"The interface endpoint {endpoint.VpcEndpointId} cannot initiate traffic to {packet.Destination} in its own VPC {eni.VpcId} (R-VPCE-2).",
                vpceId: endpoint.VpcEndpointId);

        // Step 1 (§0): the source interface's security groups, egress. A reply leaves by connection tracking (R-SG-2).
        if (HasNoSecurityGroups(eni, out var why))
        {
            trace.Hops.Add(Hop(direction, HopStep.SecurityGroupEgress, eni, subnet, packet, HopDecision.Info, eni.NetworkInterfaceId,
                "no security groups", null, why, natGatewayId: _addresses.NatGatewayOf(eni)?.NatGatewayId));
        }
        else if (direction == WalkDirection.Forward)
        {
            var peerEnis = to.Interface is null ? Array.Empty<NetworkInterface>() : new[] { to.Interface };
            // R-TGW-12: group references in outbound rules never work across a TGW; within the VPC, and to a VPC
            // peered in the same Region, they do (R-SG-9, R-SG-14).
            bool refsUsable = to.Interface is not null && (to.Interface.VpcId == eni.VpcId || PeeredInOneRegion(eni.VpcId, to.Interface.VpcId));
            var sg = EvaluateGroups(eni, RuleDirection.Outbound, packet.Destination, peerEnis, refsUsable, packet);
            if (sg.DeniesAll && UnreadableRules(sg, eni, RuleDirection.Outbound) is { } deniedRead)
                return UnreadableSecurityGroups(direction, HopStep.SecurityGroupEgress, eni, subnet, packet, trace, deniedRead);
            var hop = SecurityGroupHop(direction, HopStep.SecurityGroupEgress, eni, subnet,
                refsUsable ? packet : packet with { GroupReferenceLossNote = $"an outbound rule's group reference matches only interfaces in {eni.VpcId} or a VPC peered with it in the same Region; across a transit gateway only inbound rules may reference groups (R-TGW-12)" }, sg);
            trace.Hops.Add(hop);
            if (sg.DeniesAll)
            {
                if (SecurityGroupStop(trace, packet, eni, hop, sg, RuleDirection.Outbound) is { } stop) return stop;
            }
            else packet = NarrowDestinationPorts(packet, sg.Allowed, hop, trace, () => $"no rule in {string.Join(", ", sg.GroupIds)} matches");
        }
        else
        {
            trace.Hops.Add(Hop(direction, HopStep.SecurityGroupEgress, eni, subnet, packet, HopDecision.Info, eni.NetworkInterfaceId,
                "reply to a tracked connection", null, "security groups are stateful: the reply leaves regardless of outbound rules (R-SG-2)",
                groupId: string.Join(",", eni.GroupIds)));
        }

        // Step 2: same subnet is layer 2 — no route table, no NACL (R-RT-12, R-NACL-5). Only a private address of the
        // subnet counts: a public address goes out to the internet gateway even when it maps back into this subnet.
        var neighbour = _model.NetworkInterfacesWithAddress(packet.Destination)
            .FirstOrDefault(e => e.SubnetId == eni.SubnetId && e.NetworkInterfaceId != eni.NetworkInterfaceId);
        if (neighbour is not null)
        {
            trace.Hops.Add(Hop(direction, HopStep.SameSubnet, eni, subnet, packet, HopDecision.Forward, subnet.SubnetId,
                $"{packet.Destination} is in the same subnet", null, "delivered at layer 2: no route table or network ACL applies (R-RT-12, R-NACL-5)"));
            return Deliver(direction, neighbour, packet, trace);
        }
        return RouteFromSubnet(direction, subnet, packet, trace, arrivedFromTransitGateway: false, budget: HopBudget);
    }

    /// <summary>AWS-managed interfaces that carry no security groups: NAT gateways (R-NAT-2) and TGW attachments.</summary>
    private bool HasNoSecurityGroups(NetworkInterface eni, out string why)
    {
        if (_addresses.NatGatewayOf(eni) is not null || string.Equals(eni.InterfaceType, "nat_gateway", StringComparison.OrdinalIgnoreCase))
        {
            why = "a NAT gateway has no security groups; only its subnet's network ACL filters it (R-NAT-2)";
            return true;
        }
        if (string.Equals(eni.InterfaceType, "transit_gateway", StringComparison.OrdinalIgnoreCase))
        {
            why = "a transit gateway attachment interface has no security groups";
            return true;
        }
        why = "";
        return false;
    }

    /// <summary>A security group allowed none of the packet: Unknown when a group or list it needs is missing, else Blocked.</summary>
    /// <summary>The security groups deny every port: the leg stops here, or (walk-on mode, a Blocked verdict) null to walk on.</summary>
    private LegOutcome? SecurityGroupStop(Trace trace, Packet packet, NetworkInterface eni, PacketHop hop, SecurityGroupDecision sg, RuleDirection ruleDirection)
    {
        var dir = ruleDirection == RuleDirection.Outbound ? "outbound" : "inbound";
        if (sg.UnresolvedRules.Count > 0)
            return Stop(OutcomeKind.Unknown, trace, packet, eni.NetworkInterfaceId, hop.Reason!, hop.Rule,
                $"No rule of {eni.NetworkInterfaceId} that the snapshot can resolve allows {dir} {Describe(packet)}, and {string.Join("; ", sg.UnresolvedRules.Select(u => u.Why))}.");
        if (ruleDirection == RuleDirection.Outbound)
            return BlockAtFilter(trace, hop, packet, eni.NetworkInterfaceId, hop.Reason!,
                $"The security groups of {eni.NetworkInterfaceId} allow no outbound {Describe(packet)}{(sg.ReferenceRulesNotApplied.Count > 0 ? $": {hop.Note}" : ".")}");
        return BlockAtFilter(trace, hop, packet, eni.NetworkInterfaceId, hop.Reason!,
            sg.ReferenceRulesNotApplied.Count > 0
                ? $"Only a security-group reference would admit {Describe(packet)} at {eni.NetworkInterfaceId}, and group identity does not survive this path: {packet.GroupReferenceLossNote}"
                : $"The security groups of {eni.NetworkInterfaceId} allow no inbound {Describe(packet)} from {packet.Source}.");
    }

    /// <summary>Step 3-5: the subnet's route table decides the next hop; NACLs apply where the packet leaves and enters a subnet.</summary>
    private LegOutcome RouteFromSubnet(WalkDirection direction, Subnet subnet, Packet packet, Trace trace, bool arrivedFromTransitGateway, int budget)
    {
        // Every stop leaves a hop that did not pass, so the hop table shows where and why the walk ended.
        if (budget <= 0 || !trace.Visited.Add($"route:{subnet.SubnetId}"))
            return StopWithHop(direction, HopStep.RouteLookup, trace, packet, subnet, OutcomeKind.Unknown, subnet.SubnetId, "LOOP",
                $"{subnet.SubnetId} reached again", $"The packet came back to {subnet.SubnetId}: the routes form a loop.");
        if (!trace.Work.TryTake()) return WorkBudgetSpent(direction, HopStep.RouteLookup, trace, packet, subnet, subnet.SubnetId);
        var table = _model.RouteTableForSubnet(subnet, out bool isMain);
        if (table is null)
        {
            if (_model.WhyUnreadable(ResourceKinds.RouteTables) is { } deniedTables)
                return StopWithHop(direction, HopStep.RouteLookup, trace, packet, subnet, OutcomeKind.Unknown, subnet.SubnetId, "UNKNOWN_RESOURCE",
                    $"{deniedTables.Why}", $"The route table of {subnet.SubnetId} could not be read ({deniedTables.Why}), so where the packet goes is unknown.");
            return StopWithHop(direction, HopStep.RouteLookup, trace, packet, subnet, OutcomeKind.Unknown, subnet.SubnetId, "UNKNOWN_RESOURCE",
                "no route table in the snapshot", $"Neither an associated nor a main route table of {subnet.VpcId} is in the snapshot.");
        }
        if (_model.WhyUnreadable(ResourceKinds.PrefixLists) is { } deniedLists)
        {
            // A route to a prefix list we could not read may be the longest match: the lookup cannot be trusted.
            var unread = table.Routes.Select(r => r.DestinationPrefixListId).OfType<string>().Where(pl => !_model.PrefixLists.ContainsKey(pl)).Distinct().ToList();
            if (unread.Count > 0)
                return StopWithHop(direction, HopStep.RouteLookup, trace, packet, subnet, OutcomeKind.Unknown, table.RouteTableId, "UNKNOWN_RESOURCE",
                    $"routes to {string.Join(", ", unread)}; {deniedLists.Why}",
                    $"{table.RouteTableId} routes to prefix lists that could not be read ({deniedLists.Why}), so the matching route is unknown.");
        }
        var lookup = RouteResolver.Lookup(_model, table, packet.Destination);
        var mainText = isMain ? " (main route table)" : "";
        if (lookup.MissingPrefixListIds.Count > 0)
            trace.Note($"{table.RouteTableId} routes to prefix list{(lookup.MissingPrefixListIds.Count == 1 ? "" : "s")} {string.Join(", ", lookup.MissingPrefixListIds)}, not in the snapshot; {(lookup.Route is null ? "one of them may match" : "a more specific entry in one of them would win")} {packet.Destination}");
        // A missing list that could hold a more specific entry than the chosen route makes the lookup unknown (never guess
        // the path that happens to be known); only where it cannot matter is the known route followed (see UnresolvedRoutes).
        if (lookup.Unresolved.Count > 0)
        {
            var lists = lookup.Unresolved.Select(r => r.DestinationPrefixListId!).Distinct(StringComparer.Ordinal).ToList();
            var hop = RouteHop(direction, subnet, table, packet, HopDecision.Unknown,
                $"{lookup.Route?.Text ?? "no CIDR route"}; prefix lists not in the snapshot: {string.Join(", ", lists)}{mainText}", "UNKNOWN_RESOURCE");
            trace.Hops.Add(hop);
            return Stop(OutcomeKind.Unknown, trace, packet, table.RouteTableId, "UNKNOWN_RESOURCE", hop.Rule,
                $"Route table {table.RouteTableId} routes to {string.Join(", ", lists)}, which {(lists.Count == 1 ? "is" : "are")} not in the snapshot; "
                + $"{(lists.Count == 1 ? "its" : "their")} entries may match {packet.Destination} more specifically than {lookup.Route?.DestinationText ?? "any listed route"} (R-RT-7).");
        }
        if (lookup.Route is null && lookup.MissingPrefixListIds.Count > 0)
        {
            var hop = RouteHop(direction, subnet, table, packet, HopDecision.Unknown, $"no known route matches {packet.Destination}{mainText}", "UNKNOWN_RESOURCE");
            trace.Hops.Add(hop);
            return Stop(OutcomeKind.Unknown, trace, packet, table.RouteTableId, "UNKNOWN_RESOURCE", hop.Rule,
                $"No route of {table.RouteTableId} that the snapshot can resolve matches {packet.Destination}, and the entries of {string.Join(", ", lookup.MissingPrefixListIds)} are missing.");
        }
        if (lookup.Route is null)
        {
            var hop = RouteHop(direction, subnet, table, packet, HopDecision.NoRoute, $"no route matches {packet.Destination}{mainText}", "NO_ROUTE_TO_DESTINATION");
            trace.Hops.Add(hop);
            return Stop(OutcomeKind.Blocked, trace, packet, table.RouteTableId, "NO_ROUTE_TO_DESTINATION", hop.Rule,
                $"Route table {table.RouteTableId} has no route to {packet.Destination}.");
        }
        var route = lookup.Route;
        if (lookup.Ambiguous)
        {
            // R-RT-7: overlapping prefix lists to different targets — AWS picks one and keeps it; we cannot know which.
            var hop = RouteHop(direction, subnet, table, packet, HopDecision.Ambiguous,
                string.Join(" | ", lookup.Tied.Select(r => r.Text)) + mainText, "HIGHER_PRIORITY_ROUTE");
            trace.Hops.Add(hop);
            return Stop(OutcomeKind.Ambiguous, trace, packet, table.RouteTableId, "HIGHER_PRIORITY_ROUTE", hop.Rule,
                "Several prefix-list routes match with different targets; AWS picks one of them (R-RT-7).");
        }
        if (route.IsBlackhole)
        {
            // R-RT-9: the target is gone; the route drops.
            var hop = RouteHop(direction, subnet, table, packet, HopDecision.Blackhole, route.Text + mainText, "BAD_STATE_ROUTE");
            trace.Hops.Add(hop);
            return Stop(OutcomeKind.Blocked, trace, packet, table.RouteTableId, "BAD_STATE_ROUTE", hop.Rule,
                $"The route {route.DestinationText} in {table.RouteTableId} is a blackhole: its target is not available.");
        }
        trace.Hops.Add(RouteHop(direction, subnet, table, packet, HopDecision.Forward, route.Text + mainText, null));

        switch (route.TargetType)
        {
            case RouteTargetType.Local:
                return LocalDelivery(direction, subnet, packet, trace, arrivedFromTransitGateway, table);
            case RouteTargetType.TransitGateway:
                return EnterTransitGateway(direction, subnet, route.TargetId!, packet, trace, table, budget - 1);
            case RouteTargetType.VirtualPrivateGateway:
                return LeaveToVirtualPrivateGateway(direction, subnet, route, table, packet, trace);
            case RouteTargetType.InternetGateway:
            case RouteTargetType.EgressOnlyInternetGateway:
            case RouteTargetType.NatGateway:
            case RouteTargetType.VpcPeering:
            case RouteTargetType.VpcEndpoint:
            case RouteTargetType.NetworkInterface:
            case RouteTargetType.Instance:
                return RouteToVpcTarget(direction, subnet, route, table, packet, trace, budget - 1);
            default:
                return RouteToOtherTarget(direction, subnet, route, table, packet, trace, budget - 1);
        }
    }

    /// <summary>The local route: the address must belong to an interface in this VPC.</summary>
    private LegOutcome LocalDelivery(WalkDirection direction, Subnet subnet, Packet packet, Trace trace, bool arrivedFromTransitGateway, RouteTable table)
    {
        var target = _model.NetworkInterfacesWithAddress(packet.Destination).FirstOrDefault(e => e.VpcId == subnet.VpcId);
        if (target is null)
            return StopWithHop(direction, HopStep.Destination, trace, packet, subnet, OutcomeKind.Unknown, table.RouteTableId, "UNKNOWN_DESTINATION",
                $"no interface with {packet.Destination} in {subnet.VpcId}", $"No network interface in {subnet.VpcId} has the address {packet.Destination} in the snapshot.");
        var targetSubnet = _model.Subnets[target.SubnetId];
        if (targetSubnet.SubnetId == subnet.SubnetId)
        {
            if (arrivedFromTransitGateway)
                // R-TGW-9: instance and attachment in one subnet — TGW->instance evaluates no NACL rules.
                trace.Hops.Add(Hop(direction, HopStep.SameSubnet, null, subnet, packet, HopDecision.Info, subnet.SubnetId,
                    "attachment and destination share the subnet", null, "no network ACL rules apply from the transit gateway to an instance in its own subnet (R-TGW-9)"));
            return Deliver(direction, target, packet, trace);
        }
        // R-NACL-5 / R-TGW-10: leave this subnet by its outbound rules, enter the next by its inbound rules.
        var outbound = CheckNacl(direction, subnet, RuleDirection.Outbound, packet, trace,
            why: arrivedFromTransitGateway ? "attachment subnet, outbound rules on the way from the transit gateway into the VPC (R-TGW-10)" : null);
        if (outbound.Stop is { } stopOut) return stopOut;
        var inbound = CheckNacl(direction, targetSubnet, RuleDirection.Inbound, outbound.Packet, trace);
        if (inbound.Stop is { } stopIn) return stopIn;
        return Deliver(direction, target, inbound.Packet, trace);
    }

    /// <summary>Step 6: the destination interface's security groups (forward), then delivery.</summary>
    private LegOutcome Deliver(WalkDirection direction, NetworkInterface target, Packet packet, Trace trace)
    {
        // A NAT gateway maps a reply back to its client; an address another host also owns is a wrong delivery (R-PCX-5).
        if (ArriveAtInterface(direction, target, packet, trace) is { } handled) return handled;
        var subnet = _model.Subnets[target.SubnetId];
        if (direction == WalkDirection.Forward)
        {
            bool refsPreserved = packet.GroupReferenceLoss is null;
            var sg = EvaluateGroups(target, RuleDirection.Inbound, packet.Source, packet.SourceInterfaces, refsPreserved, packet);
            if (sg.DeniesAll && UnreadableRules(sg, target, RuleDirection.Inbound) is { } deniedRead)
                return UnreadableSecurityGroups(direction, HopStep.SecurityGroupIngress, target, subnet, packet, trace, deniedRead);
            var hop = SecurityGroupHop(direction, HopStep.SecurityGroupIngress, target, subnet, packet, sg);
            trace.Hops.Add(hop);
            if (sg.DeniesAll)
            {
                if (SecurityGroupStop(trace, packet, target, hop, sg, RuleDirection.Inbound) is { } stop) return stop;
            }
            else packet = NarrowDestinationPorts(packet, sg.Allowed, hop, trace, () => $"no rule in {string.Join(", ", sg.GroupIds)} matches");
        }
        else
        {
            trace.Hops.Add(Hop(direction, HopStep.SecurityGroupIngress, target, subnet, packet, HopDecision.Info, target.NetworkInterfaceId,
                "reply to a tracked connection", null, "security groups are stateful: the reply is admitted regardless of inbound rules (R-SG-2)",
                groupId: string.Join(",", target.GroupIds)));
        }
        trace.AddToPath(target.NetworkInterfaceId);
        trace.Hops.Add(Hop(direction, HopStep.Destination, target, subnet, packet, HopDecision.Deliver, target.NetworkInterfaceId,
            $"delivered to {target.NetworkInterfaceId}{(target.InstanceId is null ? "" : $" ({target.InstanceId})")}", null, null));
        return new LegOutcome(OutcomeKind.Delivered, trace, packet)
        {
            DeliveredTo = target,
            Reached = new Terminus(TerminusKind.Interface, target.NetworkInterfaceId) { Interface = target, VpcId = target.VpcId, Zone = _model.ZoneOf(target) },
        };
    }

    /// <summary>
    /// A security-group check that denies only because groups (or the prefix lists their rules name) could not be read:
    /// the groups are allow-only, so an unread rule may be the one that allows. Never a drop, never Reachable: Unknown.
    /// </summary>
    private UnreadableResource? UnreadableRules(SecurityGroupDecision sg, NetworkInterface eni, RuleDirection ruleDirection)
    {
        if (sg.MissingGroupIds.Count > 0 && _model.WhyUnreadable(ResourceKinds.SecurityGroups) is { } groups) return groups;
        if (_model.WhyUnreadable(ResourceKinds.PrefixLists) is { } lists
            && eni.GroupIds.Any(id => _model.SecurityGroups.TryGetValue(id, out var g)
                && (ruleDirection == RuleDirection.Inbound ? g.IngressRules : g.EgressRules).Any(r => r.PrefixListId is { } pl && !_model.PrefixLists.ContainsKey(pl))))
            return lists;
        return null;
    }

    private LegOutcome UnreadableSecurityGroups(WalkDirection direction, HopStep step, NetworkInterface eni, Subnet subnet, Packet packet, Trace trace, UnreadableResource denied) =>
        StopWithHop(direction, step, trace, packet, subnet, OutcomeKind.Unknown, eni.NetworkInterfaceId, "UNKNOWN_RESOURCE", $"{denied.Why}",
            $"The security groups of {eni.NetworkInterfaceId} (or the prefix lists their rules name) could not be read ({denied.Why}); no rule that was read allows {Describe(packet)}, so whether one of the others does is unknown.");

    private readonly record struct NaclStep(Packet Packet, LegOutcome? Stop);

    /// <summary>A subnet boundary: stateless, ordered NACL rules (R-NACL-1..4) over the packet's destination-port set.</summary>
    private NaclStep CheckNacl(WalkDirection direction, Subnet subnet, RuleDirection ruleDirection, Packet packet, Trace trace, string? why = null)
    {
        var acl = _model.NetworkAclForSubnet(subnet);
        var step = ruleDirection == RuleDirection.Outbound ? HopStep.NaclOutbound : HopStep.NaclInbound;
        if (acl is null)
        {
            var denied = _model.WhyUnreadable(ResourceKinds.NetworkAcls);
            var rule = denied is null ? "no network ACL in the snapshot" : $"{denied.Why}";
            trace.Hops.Add(Hop(direction, step, null, subnet, packet, HopDecision.Unknown, subnet.SubnetId, rule, "UNKNOWN_RESOURCE", why));
            return new NaclStep(packet, Stop(OutcomeKind.Unknown, trace, packet, subnet.SubnetId, "UNKNOWN_RESOURCE", rule,
                denied is null ? $"The network ACL of {subnet.SubnetId} is not in the snapshot."
                    : $"The network ACL of {subnet.SubnetId} could not be read ({denied.Why}), so whether it passes the packet is unknown."));
        }
        var peer = ruleDirection == RuleDirection.Outbound ? packet.Destination : packet.Source;
        var decision = EvaluateNacl(acl, ruleDirection, peer, packet);
        var hop = Hop(direction, step, null, subnet, packet, decision.DeniesAll ? HopDecision.Deny : HopDecision.Allow, acl.NetworkAclId,
            NaclRuleText(decision), decision.DeniesAll || !decision.AllowsAll ? "SUBNET_ACL_RESTRICTION" : null,
            JoinNotes(why, decision.AllowsAll || decision.DeniesAll ? null : $"only ports {decision.Allowed} pass; {decision.Denied} are denied"),
            networkAclId: acl.NetworkAclId);
        trace.Hops.Add(hop);
        if (decision.DeniesAll)
            return new NaclStep(packet, BlockAtFilter(trace, hop, packet, acl.NetworkAclId, "SUBNET_ACL_RESTRICTION",
                $"Network ACL {acl.NetworkAclId} of {subnet.SubnetId} denies {ruleDirection.ToString().ToLowerInvariant()} {Describe(packet)} {(ruleDirection == RuleDirection.Outbound ? "to" : "from")} {peer}."));
        return new NaclStep(NarrowDestinationPorts(packet, decision.Allowed, hop, trace,
            () => string.Join("; ", decision.Matches.Where(m => !m.Entry.Allow).Select(m => $"{m.Entry.Text} ({m.Ports})"))), null);
    }

    private static string NaclRuleText(NaclDecision decision)
    {
        if (decision.AllowsAll || decision.DeniesAll) return decision.RuleText;
        var allow = decision.Matches.FirstOrDefault(m => m.Entry.Allow);
        var deny = decision.Matches.FirstOrDefault(m => !m.Entry.Allow);
        return $"{allow?.Entry.Text} ({allow?.Ports}); {deny?.Entry.Text} ({deny?.Ports})";
    }

    /// <summary>
    /// Carries a narrowed port set on, remembering the first hop that narrowed it (the verdict points there) and which
    /// ports each hop removed. In walk-on mode the denied ports are a blocker and the walk goes on with the whole set.
    /// </summary>
    /// <param name="deniedRule">What denies the removed ports, in the console's words (the hop's own rule names what allowed the rest);
    /// composed only when ports are removed, which most checks do not.</param>
    private Packet NarrowDestinationPorts(Packet packet, PortSet allowed, PacketHop hop, Trace trace, Func<string> deniedRule)
    {
        if (!IpProtocol.HasPorts(packet.Protocol) || allowed.Equals(packet.DestinationPorts)) return packet;
        var denied = packet.DestinationPorts.Subtract(allowed);
        var reason = hop.Reason ?? (hop.Step is HopStep.SecurityGroupIngress or HopStep.SecurityGroupEgress ? "ENI_SG_RULES_MISMATCH" : "SUBNET_ACL_RESTRICTION");
        if (_walkOnPastBlocks)
        {
            trace.Blockers.Add(PacketBlocker.From(trace, hop, packet, denied, walkedPast: true, reason,
                $"{hop.Component} lets only {(hop.Direction == WalkDirection.Return ? "client " : "")}ports {allowed} of {packet.DestinationPorts} through; {denied} are denied.", null));
            return packet;
        }
        trace.FirstNarrowing ??= hop;
        trace.PortDrops.Add(new PortDrop(denied, hop, reason, deniedRule()));
        return packet with { DestinationPorts = allowed };
    }

    private LegOutcome WorkBudgetSpent(WalkDirection direction, HopStep step, Trace trace, Packet packet, Subnet? subnet, string at, string? transitGatewayId = null) =>
        StopWithHop(direction, step, trace, packet, subnet, OutcomeKind.Unknown, at, WalkBudgetExceeded, $"{Trace.MaxRoutingDecisions} routing decisions spent",
            $"The walk gave up at {at} after {Trace.MaxRoutingDecisions} routing decisions across its alternative paths (ECMP and Availability Zone choices multiply them); the estate has too many alternatives to check them all.",
            transitGatewayId: transitGatewayId);

    /// <summary>Our own code (Reachability Analyzer has none): the walk stopped because its alternatives outgrew the work budget.</summary>
    public const string WalkBudgetExceeded = "WALK_BUDGET_EXCEEDED";

    private static string? JoinNotes(string? a, string? b) => a is null ? b : b is null ? a : $"{a}; {b}";

    private static string Describe(Packet packet) => packet.DestinationPortText is { } p ? $"{packet.ProtocolName} {p}" : packet.ProtocolName;

    private static LegOutcome Stop(OutcomeKind kind, Trace trace, Packet packet, string at, string reason, string? rule, string explanation)
    {
        // A block no walk goes past (a route, an attachment) ends the leg; its hop is the last one recorded.
        if (kind == OutcomeKind.Blocked && trace.Hops.Count > 0)
            trace.Blockers.Add(PacketBlocker.From(trace, trace.Hops[^1], packet, packet.DestinationPorts, walkedPast: false, reason, explanation,
                PacketBlocker.PathDependsNote(reason)));
        return new(kind, trace, packet) { At = at, Reason = reason, Rule = rule, Explanation = explanation };
    }
}
