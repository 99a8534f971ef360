using System.Text.Json;
using PacketWalk.Core.Fixes;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// Get-PacketPathFix's engine: for every scenario case with a blocker, applying the proposed changes to the snapshot in
/// memory and walking again gives Reachable — except where the fix is structural, which is listed here with its reason.
/// </summary>
public class FixTests
{
    /// <summary>
    /// Blocks no configuration command clears: AWS data-plane behaviour, a resource's state, or a design choice. PacketWalk
    /// describes them (a structural PathFix, with a command where one exists) but does not model them, so a case ending at
    /// one of these is excluded from "Reachable after the fixes" — with the reason asserted.
    /// </summary>
    private static readonly Dictionary<string, string> StructuralReasons = new(StringComparer.Ordinal)
    {
        ["TGW_ROUTE_AZ_RESTRICTION"] = "R-TGW-1: which subnet to add to the attachment is the admin's design choice",
        ["REGIONAL_NGW_ROUTE_AZ_RESTRICTION"] = "R-NAT-5: an Elastic IP for another AZ of a regional NAT gateway in manual mode is a design and cost choice",
        ["BAD_STATE_ATTACHMENT"] = "R-TGW-8: a pending, deleting or misplaced attachment has to be accepted, recreated or moved",
        ["BAD_STATE"] = "a VGW detached from the VPC, a peering pending acceptance, a gateway not available: the resource's state",
        ["TGW_BAD_STATE_VPN"] = "both VPN tunnels are down: the on-premises side, out of scope",
        ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"] = "R-IGW-1: the interface needs a public address (an Elastic IP to allocate)",
        ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"] = "R-IGW-3: the internet reaches only public addresses",
        ["IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"] = "R-IGW-3: the gateway refuses private sources by design",
        ["IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS"] = "R-IGW-3: the gateway refuses shared-space sources by design",
        ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"] = "R-IGW-3: a private destination is never reached through the internet",
        ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS"] = "R-IGW-3: a shared-space destination is never reached through the internet",
        ["INGRESS_RTB_TRAFFIC_REDIRECTION"] = "R-RT-11: the subnet's inbound traffic is steered through an appliance; the path needs redesign",
        ["EIGW_INBOUND_NOT_ALLOWED"] = "R-EIGW-1: an egress-only gateway refuses connections from the internet by design",
        ["PROTOCOL_RESTRICTION"] = "R-NAT-1: a NAT gateway translates only TCP, UDP and ICMP",
        ["NGW_UNSOLICITED_INBOUND"] = "R-NAT-1: a NAT gateway accepts no connection the internet starts",
        ["NGW_SOURCE_IN_SAME_SUBNET"] = "a NAT gateway does not serve its own subnet: the subnet or the NAT has to move",
        ["NGW_SOURCE_ADDRESS_REASSIGN"] = "a reply routed to a NAT gateway would be re-sourced: the routing design is wrong",
        ["NGW_REQUIRES_SOURCE_IN_VPC"] = "R-PCX-7: a NAT gateway serves only its own VPC's sources",
        ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"] = "R-PCX-1/2: no transitive peering, no edge-to-edge routing",
        ["VPCE_GATEWAY_PROTOCOL_RESTRICTION"] = "R-VPCE-1: a gateway endpoint carries only TCP and ICMP echo",
        ["VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION"] = "R-VPCE-1: a gateway endpoint is not usable from outside its VPC",
        ["VPCE_INTRA_VPC_TRAFFIC"] = "R-VPCE-2: an interface endpoint does not open connections",
        ["VPC_LOCAL_ROUTE_CIDR_RESTRICTION"] = "a virtual private gateway delivers only into its VPC (no edge-to-edge)",
        ["DELIVERED_TO_OTHER_INTERFACE"] = "R-PCX-5: overlapping address space; the reply follows the longest prefix to another VPC",
    };

    /// <summary>Blocks of a fixable kind where the snapshot offers nothing to point the fix at, by scenario and case-name start.</summary>
    private static readonly (string Scenario, string CasePrefix, string Reason, string Why)[] NothingToPointAt =
    {
        ("tgw-bad-state", "HOST-A -> 10.60.1.1", "TGW_RTB_BAD_STATE_ROUTE", "no VPC in the snapshot holds 10.60.1.1, so no attachment to point the blackhole at"),
        ("gateway-endpoint", "G1 -> 8.8.8.8", "NO_ROUTE_TO_DESTINATION", "VPC-G has neither an internet gateway nor a NAT gateway"),
        ("internet-gateway", "WEB -> VPC-Q's internet gateway as destination", "NO_ROUTE_TO_DESTINATION", "the destination is another VPC's gateway, not an address"),
    };

    public static IEnumerable<object[]> Cases() => ScenarioTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applying_the_fixes_in_memory_makes_every_blocked_case_reachable(string scenario, string caseName)
    {
        var (folder, c) = BlockerTests.Load(scenario, caseName);
        var model = ScenarioTests.ModelFor(folder);
        var request = BlockerTests.RequestFor(c);
        var plan = PathFixPlanner.Plan(model, request);
        var context = $"{scenario}/{caseName}: before {plan.Before} after {plan.After} | {string.Join(" | ", plan.Fixes.Select(f => f.ToString()))} | {string.Join("; ", plan.Notes)}";

        if (plan.Before.Blockers.Count == 0)
        {
            // Nothing blocks: reachable, or a verdict no configuration change decides (missing data, AWS's choice).
            Assert.Empty(plan.Fixes);
            Assert.Equal(plan.Before.Verdict, plan.After.Verdict);
            return;
        }
        Assert.NotEmpty(plan.Fixes);
        if (!plan.Cleared && plan.After.Blockers.Count == 0)
        {
            // The blocks are cleared; what is left decides nothing a change could (an appliance that sees half a flow,
            // AWS's choice between paths, missing data).
            Assert.True(plan.After.Verdict is PathVerdict.Ambiguous or PathVerdict.Unknown, context);
            Assert.Contains("is not a block a configuration change clears", plan.Notes.Single());
            Assert.All(plan.Fixes, f => Assert.False(f.Structural));
            return;
        }
        var nothing = NothingToPointAt.Where(x => x.Scenario == scenario && caseName.StartsWith(x.CasePrefix, StringComparison.Ordinal)).ToList();
        if (!plan.Cleared && (StructuralReasons.ContainsKey(plan.After.Reason ?? "") || nothing.Count > 0))
        {
            var structuralReason = plan.After.Reason!;
            if (nothing.Count > 0) Assert.Equal(nothing.Single().Reason, structuralReason);
            var structural = Assert.Single(plan.Fixes, f => f.Structural && f.BlockedAt == plan.After.BlockedAt);
            Assert.Equal(structuralReason, structural.BlockerReason);
            Assert.Null(structural.Edit);
            Assert.Contains(structuralReason, plan.Notes.Single());
            if (structuralReason == "TGW_ROUTE_AZ_RESTRICTION")
            {
                Assert.StartsWith("Edit-EC2TransitGatewayVpcAttachment -TransitGatewayAttachmentId ", structural.Command);
                Assert.Contains(" -AddSubnetId subnet-", structural.Command);
            }
            return;
        }
        Assert.True(plan.Cleared, context);
        Assert.Empty(plan.Notes);
        Assert.All(plan.Fixes, f => Assert.False(f.Structural, context));

        // The fixed model is exactly the original plus the edits, and walking it plainly agrees.
        var again = new PacketWalker(model.With(plan.Edits)).Walk(request);
        Assert.Equal(plan.After.Verdict, again.Verdict);
        Assert.True(again.Verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge, context);
        // The original model is untouched.
        Assert.Equal(plan.Before.Verdict, new PacketWalker(model).Walk(request).Verdict);

        foreach (var fix in plan.Fixes)
        {
            Assert.False(string.IsNullOrEmpty(fix.Command), context);
            // Never wider than needed: no rule or route for everyone unless the source is the internet.
            Assert.DoesNotContain("0.0.0.0/0", fix.Command);
            Assert.DoesNotContain("::/0", fix.Command);
            Assert.Equal(fix.Edit!.ResourceId, fix.ResourceId);
            Assert.Equal(request.Source, fix.Source);
            Assert.False(string.IsNullOrEmpty(fix.BlockerReason));
        }
        Assert.Equal(Enumerable.Range(1, plan.Fixes.Count), plan.Fixes.Select(f => f.Sequence));

        if (c.TryGetProperty("fixCommands", out var commands))
            Assert.Equal(commands.EnumerateArray().Select(x => x.GetString()).ToList(), plan.Fixes.Select(f => f.Command).ToList());
    }

    [Fact]
    public void Each_filter_fix_allows_exactly_the_blocked_packet()
    {
        var (folder, c) = BlockerTests.Load("multi-blocker", BlockerTests.ScenarioCaseStartingWith("multi-blocker", "HOST-A -> HOST-B tcp/443"));
        var model = ScenarioTests.ModelFor(folder);
        var plan = PathFixPlanner.Plan(model, BlockerTests.RequestFor(c));
        Assert.Equal(new[] { PathFixKind.SecurityGroupEgress, PathFixKind.NetworkAclEntry, PathFixKind.SecurityGroupIngress, PathFixKind.NetworkAclEntry },
            plan.Fixes.Select(f => f.Kind));
        Assert.All(plan.Fixes, f => Assert.Equal(1, f.Round));

        // HOST-A's NACL denies tcp 443 at rule 100: the allow lands before it, on a free number.
        var naclFix = plan.Fixes[1];
        var entry = ((AddNetworkAclEntry)naclFix.Edit!).Entry;
        Assert.Equal(90, entry.RuleNumber);
        Assert.True(entry.Egress);
        Assert.Equal(new PortRange(443, 443), entry.PortRange);
        Assert.Equal("10.1.8.131/32", entry.Cidr.ToString());
        Assert.Equal("acl-0a00000000000a801", naclFix.NetworkAclId);

        // The reply's NACL gets the client's ephemeral range, after the last rule and before the * rule.
        var replyEntry = ((AddNetworkAclEntry)plan.Fixes[3].Edit!).Entry;
        Assert.Equal(200, replyEntry.RuleNumber);
        Assert.Equal(new PortRange(32768, 60999), replyEntry.PortRange);
        Assert.Equal(WalkDirection.Return, plan.Fixes[3].Direction);

        // The security-group rules are for tcp 443 and one address each.
        var egress = ((AddSecurityGroupRule)plan.Fixes[0].Edit!).Rule;
        Assert.Equal((IpProtocol.Tcp, 443, 443, "10.1.8.131/32", RuleDirection.Outbound), (egress.Protocol, egress.FromPort!.Value, egress.ToPort!.Value, egress.Cidr.ToString(), egress.Direction));
        var ingress = ((AddSecurityGroupRule)plan.Fixes[2].Edit!).Rule;
        Assert.Equal("sg-0b00000000000b801", ingress.GroupId);
        Assert.Equal("10.0.9.132/32", ingress.Cidr.ToString());

        // Applying only some fixes leaves the others blocking: each fix is needed.
        for (int skip = 0; skip < plan.Fixes.Count; skip++)
        {
            var partial = model.With(plan.Fixes.Where((_, i) => i != skip).Select(f => f.Edit!));
            var walk = new PacketWalker(partial).Walk(BlockerTests.RequestFor(c));
            Assert.Equal(PathVerdict.Blocked, walk.Verdict);
            Assert.Equal(plan.Fixes[skip].BlockedAt, walk.BlockedAt);
        }
    }

    [Fact]
    public void A_group_reference_is_used_where_group_identity_survives_and_an_address_otherwise()
    {
        // Same VPC: HOST-E's group can be referenced (R-SG-9).
        var (folder, c) = BlockerTests.Load("sg-reference", BlockerTests.ScenarioCaseStartingWith("sg-reference", "HOST-E"));
        var model = ScenarioTests.ModelFor(folder);
        var byGroup = PathFixPlanner.Plan(model, BlockerTests.RequestFor(c)).Fixes.Single();
        var rule = ((AddSecurityGroupRule)byGroup.Edit!).Rule;
        Assert.NotNull(rule.ReferencedGroupId);
        Assert.Null(rule.Cidr);
        Assert.Contains("UserIdGroupPairs = @(@{ GroupId = ", byGroup.Command);

        var byAddress = PathFixPlanner.Plan(model, BlockerTests.RequestFor(c), new FixOptions { AddressOnly = true });
        Assert.True(byAddress.Cleared);
        var addressRule = ((AddSecurityGroupRule)byAddress.Fixes.Single().Edit!).Rule;
        Assert.Null(addressRule.ReferencedGroupId);
        Assert.Equal(32, addressRule.Cidr!.Value.PrefixLength);

        // Across a TGW without referencing on both sides (R-TGW-12) the address is the only thing that matches.
        var (folder2, c2) = BlockerTests.Load("sg-port-mismatch", BlockerTests.ScenarioCaseStartingWith("sg-port-mismatch", "HOST-A -> HOST-B tcp/443"));
        var fix = PathFixPlanner.Plan(ScenarioTests.ModelFor(folder2), BlockerTests.RequestFor(c2)).Fixes.Single();
        Assert.Equal("10.0.9.132/32", ((AddSecurityGroupRule)fix.Edit!).Rule.Cidr.ToString());
        Assert.Contains("SG_REFERENCING_SUPPORT", fix.Note);
    }

    [Fact]
    public void A_fix_that_changes_the_path_is_followed_by_the_blocks_the_new_path_meets()
    {
        var (folder, c) = BlockerTests.Load("tgw-association-and-route", BlockerTests.ScenarioCaseStartingWith("tgw-association-and-route", "HOST-A -> HOST-B5"));
        var plan = PathFixPlanner.Plan(ScenarioTests.ModelFor(folder), BlockerTests.RequestFor(c));
        Assert.True(plan.Cleared);
        Assert.Equal(new[] { (PathFixKind.TransitGatewayRoute, 1), (PathFixKind.TransitGatewayRouteTableAssociation, 2) },
            plan.Fixes.Select(f => (f.Kind, f.Round)));
        Assert.Equal(WalkDirection.Return, plan.Fixes[1].Direction);
    }

    [Fact]
    public void A_wrong_TGW_route_is_fixed_upstream_with_a_more_specific_route()
    {
        var (folder, c) = BlockerTests.Load("tgw-static-over-propagated", BlockerTests.ScenarioCaseStartingWith("tgw-static-over-propagated", "HOST-A -> HOST-B tcp/443"));
        var plan = PathFixPlanner.Plan(ScenarioTests.ModelFor(folder), BlockerTests.RequestFor(c));
        var fix = Assert.Single(plan.Fixes);
        Assert.Equal(PathFixKind.TransitGatewayRoute, fix.Kind);
        Assert.Equal("rtb-0c00000000000c0a0", fix.BlockedAt);
        Assert.Equal("tgw-rtb-0a1b2c3d4e5f60001", fix.TransitGatewayRouteTableId);
        var route = ((AddTransitGatewayRoute)fix.Edit!).Route;
        Assert.Equal("10.1.8.0/22", route.DestinationCidr.ToString());
        Assert.Contains("R-TGW-15", fix.Note);
    }

    [Fact]
    public void A_missing_TGW_route_can_lead_over_a_peering_to_the_TGW_that_has_the_VPC()
    {
        var (folder, c) = BlockerTests.Load("tgw-peering", BlockerTests.ScenarioCaseStartingWith("tgw-peering", "HOST-A2 -> HOST-C"));
        var plan = PathFixPlanner.Plan(ScenarioTests.ModelFor(folder), BlockerTests.RequestFor(c));
        Assert.True(plan.Cleared);
        var fix = Assert.Single(plan.Fixes);
        // R-TGW-18: the eu-west-1 table needs a static route back over the peering; the command runs in that table's region.
        Assert.Equal("New-EC2TransitGatewayRoute -TransitGatewayRouteTableId tgw-rtb-0e0e0e0e0e0e00001 -DestinationCidrBlock 10.0.0.0/16 -TransitGatewayAttachmentId tgw-attach-0fe0fe0fe0fe0fe01 -Region eu-west-1",
            fix.Command);
        Assert.Equal(WalkDirection.Return, fix.Direction);
    }

    [Fact]
    public void A_prefix_list_blackhole_is_outranked_by_a_static_route_for_the_same_prefix()
    {
        var (folder, c) = BlockerTests.Load("tgw-prefix-list-reference", BlockerTests.ScenarioCaseStartingWith("tgw-prefix-list-reference", "HOST-A -> HOST-B4"));
        var model = ScenarioTests.ModelFor(folder);
        var plan = PathFixPlanner.Plan(model, BlockerTests.RequestFor(c));
        var fix = Assert.Single(plan.Fixes);
        var route = ((AddTransitGatewayRoute)fix.Edit!).Route;
        Assert.Equal(TgwRouteType.Static, route.Type);
        Assert.Equal("10.1.0.0/16", route.DestinationCidr.ToString());
        Assert.Contains("R-TGW-17", fix.Note);
        // The prefix-list reference itself is left in place.
        Assert.Equal(model.TransitGatewayRoutes["tgw-rtb-0a1b2c3d4e5f60001"].Count(r => r.Type == TgwRouteType.PrefixListReference),
            plan.FixedModel.TransitGatewayRoutes["tgw-rtb-0a1b2c3d4e5f60001"].Count(r => r.Type == TgwRouteType.PrefixListReference));
    }

    [Fact]
    public void A_flow_that_leaves_the_estate_is_cleared_when_its_reply_gets_back_in()
    {
        var (folder, c) = BlockerTests.Load("tgw-vpn-dx-edges", BlockerTests.ScenarioCaseStartingWith("tgw-vpn-dx-edges", "HOST-B -> 192.168.10.10"));
        var plan = PathFixPlanner.Plan(ScenarioTests.ModelFor(folder), BlockerTests.RequestFor(c));
        Assert.Equal(PathVerdict.ReachableToEdge, plan.After.Verdict);
        Assert.True(plan.Cleared);
        Assert.Empty(plan.Notes);
        Assert.Equal(PathFixKind.TransitGatewayRoute, Assert.Single(plan.Fixes).Kind);
    }

    [Fact]
    public void Internet_destinations_get_the_gateway_the_source_can_use_and_internet_sources_their_own_address()
    {
        var (folder, c) = BlockerTests.Load("internet-gateway", BlockerTests.ScenarioCaseStartingWith("internet-gateway", "PRIVATE-WITH-EIP -> 8.8.8.8"));
        var model = ScenarioTests.ModelFor(folder);
        var route = Assert.Single(PathFixPlanner.Plan(model, BlockerTests.RequestFor(c)).Fixes);
        // R-IGW-1: the source has an Elastic IP, so its subnet needs a route to the internet gateway — for this destination only.
        Assert.Equal("New-EC2Route -RouteTableId rtb-0e100000000000a12 -DestinationCidrBlock 8.8.8.8/32 -GatewayId igw-0e1000000000000a1", route.Command);

        var (_, c2) = BlockerTests.Load("internet-gateway", BlockerTests.ScenarioCaseStartingWith("internet-gateway", "internet 203.0.113.50 -> WEB tcp/22"));
        var plan = PathFixPlanner.Plan(model, BlockerTests.RequestFor(c2));
        Assert.True(plan.Cleared);
        // A source on the internet is still named by its own address, never 0.0.0.0/0.
        Assert.All(plan.Fixes, f => Assert.Contains("203.0.113.50/32", f.Command));
    }

    [Fact]
    public void A_private_source_gets_a_route_to_a_public_NAT_gateway_for_an_internet_destination()
    {
        // The nat-gateway scenario with APP-A's 0.0.0.0/0 -> NAT route taken away.
        var (folder, c) = BlockerTests.Load("nat-gateway", BlockerTests.ScenarioCaseStartingWith("nat-gateway", "APP-A -> 8.8.8.8 tcp/443"));
        var model = ScenarioTests.ModelFor(folder);
        var appA = model.NetworkInterfacesOfInstance("i-0f200000000000a01")[0];
        var table = model.RouteTableForSubnet(model.Subnets[appA.SubnetId], out _)!;
        var builder = model.ToBuilder();
        var i = builder.RouteTables.FindIndex(t => t.RouteTableId == table.RouteTableId);
        builder.RouteTables[i] = table with { Routes = table.Routes.Where(r => r.TargetType != RouteTargetType.NatGateway).ToList() };
        var withoutRoute = builder.Build();
        var request = BlockerTests.RequestFor(c);
        Assert.Equal("NO_ROUTE_TO_DESTINATION", new PacketWalker(withoutRoute).Walk(request).Reason);

        var plan = PathFixPlanner.Plan(withoutRoute, request);
        Assert.True(plan.Cleared, string.Join(" | ", plan.Notes));
        var fix = Assert.Single(plan.Fixes);
        // R-NAT-1: APP-A has no public address, so the internet is reached through the public NAT gateway, for this address only.
        Assert.Matches(@"^New-EC2Route -RouteTableId rtb-\S+ -DestinationCidrBlock 8\.8\.8\.8/32 -NatGatewayId nat-0f2000000000000a1$", fix.Command);
    }

    [Fact]
    public void An_appliance_with_its_source_dest_check_on_is_walked_past_and_fixed()
    {
        var (folder, c) = BlockerTests.Load("appliance-middlebox", BlockerTests.ScenarioCaseStartingWith("appliance-middlebox", "CLIENT2 -> APP1"));
        var model = ScenarioTests.ModelFor(folder);
        var walk = new PacketWalker(model).Walk(BlockerTests.RequestFor(c, allBlockers: true));
        var blocker = walk.Blockers[0];
        Assert.Equal((HopStep.SourceDestinationCheck, "ENI_SOURCE_DEST_CHECK_RESTRICTION", true), (blocker.Step, blocker.Reason, blocker.WalkedPast));
        var plan = PathFixPlanner.Plan(walk);
        Assert.Equal("Edit-EC2NetworkInterfaceAttribute -NetworkInterfaceId eni-0d600000000000f02 -SourceDestCheck $false", plan.Fixes.Single().Command);
        // With the check off the appliance forwards; what is left — the reply bypassing it — is no block a command clears.
        Assert.Equal(("APPLIANCE_ASYMMETRIC_ROUTING", PathVerdict.Ambiguous), (plan.After.Reason, plan.After.Verdict));
        Assert.Empty(plan.After.Blockers);
    }

    [Fact]
    public void A_blackhole_route_gets_a_live_target_and_keeps_its_prefix()
    {
        var (folder, c) = BlockerTests.Load("vpc-route-blackhole-and-no-route", BlockerTests.ScenarioCaseStartingWith("vpc-route-blackhole-and-no-route", "HOST-A -> HOST-B tcp/443"));
        var plan = PathFixPlanner.Plan(ScenarioTests.ModelFor(folder), BlockerTests.RequestFor(c));
        Assert.Equal(new[] { PathFixKind.ReplaceRoute, PathFixKind.Route }, plan.Fixes.Select(f => f.Kind));
        Assert.Equal("Set-EC2Route -RouteTableId rtb-0a00000000000a801 -DestinationCidrBlock 10.1.0.0/16 -TransitGatewayId tgw-0123456789abcdef0", plan.Fixes[0].Command);
        // The reply's missing route is found only once the forward path leads somewhere.
        Assert.Equal(2, plan.Fixes[1].Round);
        Assert.Equal(WalkDirection.Return, plan.Fixes[1].Direction);
    }

    [Fact]
    public void A_source_dest_check_block_is_fixed_on_the_interface_and_unknown_reasons_are_described_only()
    {
        // The fix for an appliance's source/destination check is built from the blocker alone (the appliance-middlebox and
        // vgw-gateway-route-table scenarios prove it end to end).
        var seed = ScenarioTests.ModelFor(ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "seed-sample"));
        var request = new WalkRequest { Source = "i-0a00000000000000a", Destination = "10.9.9.9", Port = 443 };
        var context = new FixContext(seed, new PacketPathResult(), request, new FixOptions(), round: 1);
        var packet = new Packet(IpAddress.Parse("10.0.9.132"), IpAddress.Parse("10.9.9.9"), IpProtocol.Tcp, PortSet.Of(33000), PortSet.Of(443), null, null);
        PacketBlocker BlockerFor(string reason) => PacketBlocker.From(new Trace(), new PacketHop
        {
            Direction = WalkDirection.Forward, Step = HopStep.Appliance, Component = "eni-0092f8e2d29917a4c", NetworkInterfaceId = "eni-0092f8e2d29917a4c",
            Decision = HopDecision.Deny, Reason = reason,
        }, packet, PortSet.Empty, walkedPast: false, reason, "the appliance drops what is not addressed to it", null);

        var fix = Assert.Single(context.Propose(BlockerFor("ENI_SOURCE_DEST_CHECK_RESTRICTION")));
        Assert.Equal(PathFixKind.SourceDestCheck, fix.Kind);
        Assert.Equal("Edit-EC2NetworkInterfaceAttribute -NetworkInterfaceId eni-0092f8e2d29917a4c -SourceDestCheck $false", fix.Command);
        Assert.False(seed.With(new[] { fix.Edit! }).NetworkInterfaces["eni-0092f8e2d29917a4c"].SourceDestCheck);

        var other = Assert.Single(context.Propose(BlockerFor("NGW_UNSOLICITED_INBOUND")));
        Assert.True(other.Structural);
        Assert.Null(other.Command);
        Assert.Contains("NGW_UNSOLICITED_INBOUND", other.Change);
    }

    [Fact]
    public void Plan_from_a_walk_result_uses_the_model_and_request_it_carries()
    {
        var (folder, c) = BlockerTests.Load("sg-port-mismatch", BlockerTests.ScenarioCaseStartingWith("sg-port-mismatch", "HOST-A -> HOST-B tcp/443"));
        var walk = new PacketWalker(ScenarioTests.ModelFor(folder)).Walk(BlockerTests.RequestFor(c, allBlockers: true));
        Assert.Same(ScenarioTests.ModelFor(folder), walk.GetModel());
        var plan = PathFixPlanner.Plan(walk);
        Assert.True(plan.Cleared);
        Assert.Single(plan.Fixes);
    }
}
