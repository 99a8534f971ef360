using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

/// <summary>
/// R-AZ-1: Availability Zones compare by AZ id; by name only when one account named both; otherwise the walk says it
/// cannot tell (UNKNOWN_AVAILABILITY_ZONE_ID) instead of guessing.
/// </summary>
public class AvailabilityZoneIdTests
{
    private static ZoneRef Z(string name, string? id, string? account) => new(name, id, account);

    [Fact]
    public void Ids_decide_whatever_the_names_say()
    {
        Assert.Equal(ZoneMatch.Different, Z("us-east-1a", "use1-az1", "A").Compare(Z("us-east-1a", "use1-az2", "B")));
        Assert.Equal(ZoneMatch.Same, Z("us-east-1a", "use1-az1", "A").Compare(Z("us-east-1b", "use1-az1", "B")));
        // Ids decide within one account too (a name maps to one zone there, so they agree with the names).
        Assert.Equal(ZoneMatch.Same, Z("us-east-1a", "use1-az1", "A").Compare(Z("us-east-1a", "use1-az1", "A")));
    }

    [Fact]
    public void Names_decide_only_within_one_account()
    {
        Assert.Equal(ZoneMatch.Same, Z("us-east-1a", null, "A").Compare(Z("us-east-1a", "use1-az1", "A")));
        Assert.Equal(ZoneMatch.Different, Z("us-east-1a", null, "A").Compare(Z("us-east-1b", null, "A")));
        Assert.Equal(ZoneMatch.Same, Z("us-east-1a", null, null).Compare(Z("us-east-1a", null, null)));
        Assert.Equal(ZoneMatch.Unknown, Z("us-east-1a", null, "A").Compare(Z("us-east-1a", null, "B")));
        Assert.Equal(ZoneMatch.Unknown, Z("us-east-1a", "use1-az1", "A").Compare(Z("us-east-1b", null, "B")));
        // A zone known only by its id cannot be compared with one known only by its name.
        Assert.Equal(ZoneMatch.Unknown, Z("", "use1-az1", "A").Compare(Z("us-east-1a", null, "A")));
    }

    [Fact]
    public void Zones_of_different_regions_never_meet()
    {
        Assert.Equal(ZoneMatch.Different, Z("us-east-1a", null, "A").Compare(Z("eu-west-1a", null, "B")));
        Assert.Equal("us-east-1", Z("us-east-1a", null, "A").Region);
    }

    [Fact]
    public void Zones_print_with_their_id()
    {
        Assert.Equal("us-east-1a (use1-az1)", Z("us-east-1a", "use1-az1", "A").Text);
        Assert.Equal("us-east-1a", Z("us-east-1a", null, "A").Text);
        Assert.Equal("use1-az1", Z("", "use1-az1", "A").Text);
        Assert.Contains("us-east-1a of B", Z("us-east-1a", "use1-az1", "A").WhyUnknown(Z("us-east-1a", null, "B")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_subnet_without_an_id_borrows_it_from_a_record_its_account_named_alike()
    {
        var m = Scenario();
        var b = new NetworkModelBuilder();
        foreach (var s in m.Subnets.Values) b.Subnets.Add(s);
        b.Subnets.Add(new Subnet("subnet-a-noid", "vpc-0e7000000000000a1", "us-east-1a", null, Cidr.Parse("10.71.2.0/24"), Array.Empty<Cidr>(), "111111111111", ResourceOrigin.Unknown));
        b.Subnets.Add(new Subnet("subnet-b-noid", "vpc-0e7000000000000b1", "us-east-1a", null, Cidr.Parse("10.72.3.0/24"), Array.Empty<Cidr>(), "222222222222", ResourceOrigin.Unknown));
        b.Subnets.Add(new Subnet("subnet-c-noid", "vpc-0e7000000000000c1", "us-east-1a", null, Cidr.Parse("10.73.3.0/24"), Array.Empty<Cidr>(), "333333333333", ResourceOrigin.Unknown));
        foreach (var v in m.Vpcs.Values) b.Vpcs.Add(v);
        var model = b.Build();
        Assert.Equal("use1-az1", model.ZoneOf(model.Subnets["subnet-a-noid"]).Id);   // account A: us-east-1a = use1-az1
        Assert.Equal("use1-az2", model.ZoneOf(model.Subnets["subnet-b-noid"]).Id);   // account B: us-east-1a = use1-az2
        Assert.Null(model.ZoneOf(model.Subnets["subnet-c-noid"]).Id);                // account C said nothing
    }

    // ---- the selector on the tgw-az-id-cross-account scenario -------------------------------------------------------

    private static NetworkModel Scenario() =>
        ScenarioTests.ModelFor(ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "tgw-az-id-cross-account"));

    [Fact]
    public void Delivery_uses_the_subnet_with_the_same_AZ_id_not_the_same_name()
    {
        var m = Scenario();
        var entry = m.ZoneOf(m.Subnets["subnet-0e70000000000a091"]);   // A's us-east-1a = use1-az1
        var p = TgwAttachmentSelector.ForDelivery(m, m.TransitGatewayVpcAttachments["tgw-attach-0e70000000000000b"], entry);
        Assert.Equal("subnet-0e70000000000b092", p.SubnetId);
        Assert.Equal("us-east-1b", p.AvailabilityZone);   // B's name for use1-az1
        Assert.Equal("use1-az1", p.AvailabilityZoneId);
        Assert.False(p.CrossedAvailabilityZone);
        Assert.False(p.AvailabilityZoneUnknown);
    }

    [Fact]
    public void The_scenario_would_block_if_zones_were_compared_by_name()
    {
        // Proof that the scenario tells the two readings apart: one account and no AZ ids leave only the names, and then
        // the TGW delivers A1's packet into B's "us-east-1a" subnet, whose NACL drops it.
        var b = Scenario().ToBuilder();
        for (int i = 0; i < b.Subnets.Count; i++) b.Subnets[i] = b.Subnets[i] with { AvailabilityZoneId = null, OwnerId = "111111111111" };
        var byName = new PacketWalker(b.Build()).Walk(new WalkRequest { Source = "i-0e70000000000a001", Destination = "i-0e70000000000b001", Port = 443 });
        Assert.Equal(PathVerdict.Blocked, byName.Verdict);
        Assert.Equal("SUBNET_ACL_RESTRICTION", byName.Reason);
        Assert.Equal("acl-0e700000000000b20", byName.BlockedAt);
    }

    [Fact]
    public void Delivery_across_accounts_without_ids_lists_every_subnet_as_possible()
    {
        var m = Scenario();
        var entry = m.ZoneOf(m.Subnets["subnet-0e70000000000a091"]);
        var p = TgwAttachmentSelector.ForDelivery(m, m.TransitGatewayVpcAttachments["tgw-attach-0e70000000000000d"], entry);
        Assert.True(p.AvailabilityZoneUnknown);
        Assert.False(p.Found);
        Assert.False(p.Ambiguous);
        Assert.Equal(new[] { "subnet-0e70000000000d091", "subnet-0e70000000000d092" }, p.CandidateSubnetIds);
        Assert.Contains("named by different accounts", p.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Delivery_within_one_account_without_ids_goes_by_name()
    {
        var m = Scenario();
        var entry = m.ZoneOf(m.Subnets["subnet-0e70000000000c091"]);   // account C's us-east-1a, no id
        var p = TgwAttachmentSelector.ForDelivery(m, m.TransitGatewayVpcAttachments["tgw-attach-0e70000000000000d"], entry);
        Assert.Equal("subnet-0e70000000000d091", p.SubnetId);
        Assert.False(p.AvailabilityZoneUnknown);
    }

    [Fact]
    public void A_user_may_name_the_zone_by_id()
    {
        var m = Scenario();
        var p = TgwAttachmentSelector.ForDelivery(m, m.TransitGatewayVpcAttachments["tgw-attach-0e70000000000000b"], "use1-az1");
        Assert.Equal("subnet-0e70000000000b092", p.SubnetId);
        // A name is read as the attachment's account names it: B's us-east-1a is use1-az2.
        Assert.Equal("subnet-0e70000000000b091", TgwAttachmentSelector.ForDelivery(m, m.TransitGatewayVpcAttachments["tgw-attach-0e70000000000000b"], "us-east-1a").SubnetId);
    }

    // ---- the walk ---------------------------------------------------------------------------------------------------

    /// <summary>Gives a VPC's subnets an owner and AZ ids (null: none), as another account's describe-subnets would.</summary>
    private static Estate Owned(Estate e, string vpc, string owner, Func<string, string?> idOf)
    {
        for (int i = 0; i < e.B.Subnets.Count; i++)
            if (e.B.Subnets[i].VpcId == vpc)
                e.B.Subnets[i] = e.B.Subnets[i] with { OwnerId = owner, AvailabilityZoneId = idOf(e.B.Subnets[i].AvailabilityZone) };
        return e;
    }

    private static readonly string[] TwoAzs = { "us-east-1a", "us-east-1b" };

    [Fact]
    public void Entry_is_unknown_when_the_source_zone_cannot_be_compared_with_the_attachment_subnets()
    {
        var e = new Estate().Spoke("vpca", 0, "us-east-1a", TwoAzs, "rtb").Spoke("vpcb", 1, "us-east-1a", TwoAzs, "rtb").Propagate("rtb", "vpca").Propagate("rtb", "vpcb");
        // The host subnet is known only by its AZ id (the reader fills the name with it), the attachment subnets only by name.
        var host = e.B.Subnets.FindIndex(s => s.SubnetId == "subnet-vpca-host");
        e.B.Subnets[host] = e.B.Subnets[host] with { AvailabilityZone = "use1-az1", AvailabilityZoneId = "use1-az1" };

        var r = e.Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal(PathVerdict.Unknown, r.Verdict);
        Assert.Equal("UNKNOWN_AVAILABILITY_ZONE_ID", r.Reason);
        Assert.Equal(Estate.AttachmentId("vpca"), r.BlockedAt);

        // Once any record of the account says us-east-1a is use1-az1, the zones compare.
        e.B.Subnets.Add(new Subnet("subnet-vpca-named", "vpca", "us-east-1a", "use1-az1", Cidr.Parse("10.0.12.0/24"), Array.Empty<Cidr>(), null, ResourceOrigin.Unknown));
        Assert.Equal(PathVerdict.Reachable, e.Walk(Estate.Host("vpca"), Estate.Host("vpcb")).Verdict);
    }

    /// <summary>
    /// R-TGW-6 with R-AZ-1: the appliance VPC (another account, no AZ ids) may or may not have a subnet in the source's
    /// AZ, so the TGW may use that AZ or hash the flow. The 1b ENI drops replies: the verdict is Unknown, not Ambiguous.
    /// </summary>
    [Fact]
    public void Appliance_mode_choice_that_depends_on_an_unknown_zone_is_unknown()
    {
        var e = Estate.ApplianceModeToVpn();
        Owned(e, "vpca", "111111111111", az => az == "us-east-1a" ? "use1-az1" : "use1-az2");
        Owned(e, "vpcx", "222222222222", _ => null);

        var r = e.Walk(Estate.Host("vpca"), "192.168.1.1");
        Assert.Equal(PathVerdict.Unknown, r.Verdict);
        Assert.Equal(WalkDirection.Return, r.BlockedDirection);
        Assert.Equal("UNKNOWN_AVAILABILITY_ZONE_ID", r.Reason);
        Assert.Equal(Estate.AttachmentId("vpcx"), r.BlockedAt);

        // With the appliance VPC's ids the rules decide: the TGW keeps the source AZ and pins the reply to it (R-TGW-6).
        Owned(e, "vpcx", "222222222222", az => az == "us-east-1a" ? "use1-az1" : "use1-az2");
        Assert.Equal(PathVerdict.ReachableToEdge, e.Walk(Estate.Host("vpca"), "192.168.1.1").Verdict);
        // ...and ids that say the account's us-east-1a is another zone make the TGW hash the flow: AWS's choice, Ambiguous.
        Owned(e, "vpcx", "222222222222", az => az == "us-east-1a" ? "use1-az3" : "use1-az4");
        Assert.Equal(PathVerdict.Ambiguous, e.Walk(Estate.Host("vpca"), "192.168.1.1").Verdict);
    }

    /// <summary>R-TGW-13: TGW security group referencing does not work in use1-az3; without an AZ id in us-east-1 that is unknown.</summary>
    [Theory]
    [InlineData("us-east-1", false, "Unknown", "UNKNOWN_AVAILABILITY_ZONE_ID")]
    [InlineData("us-east-1", true, "Reachable", null)]
    [InlineData("eu-west-1", false, "Reachable", null)]   // outside us-east-1 no zone is use1-az3
    public void Group_references_through_a_tgw_need_to_know_whether_an_attachment_is_in_use1_az3(string region, bool withIds, string verdict, string? reason)
    {
        var azs = new[] { $"{region}a", $"{region}b" };
        var e = new Estate().Spoke("vpca", 0, azs[0], azs, "rtb").Spoke("vpcb", 1, azs[0], azs, "rtb").Propagate("rtb", "vpca").Propagate("rtb", "vpcb");
        e.B.TransitGateways[0] = e.B.TransitGateways[0] with { SecurityGroupReferencingSupport = true };
        // VPC-B admits only members of VPC-A's group (R-TGW-12: inbound references across a TGW with referencing on).
        var sg = e.B.SecurityGroups.FindIndex(g => g.GroupId == "sg-vpcb");
        e.B.SecurityGroups[sg] = e.B.SecurityGroups[sg] with
        {
            IngressRules = new[] { new SecurityGroupRule("sg-vpcb", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, null, null, "sg-vpca", null, null) },
        };
        if (withIds)
            foreach (var vpc in new[] { "vpca", "vpcb" })
                Owned(e, vpc, "111111111111", az => az.EndsWith('a') ? "use1-az1" : "use1-az2");

        var r = e.Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal(verdict, r.Verdict.ToString());
        Assert.Equal(reason, r.Reason);
    }

    [Fact]
    public void Group_references_are_lost_in_use1_az3_by_id()
    {
        var e = new Estate().Spoke("vpca", 0, "us-east-1a", TwoAzs, "rtb").Spoke("vpcb", 1, "us-east-1a", TwoAzs, "rtb").Propagate("rtb", "vpca").Propagate("rtb", "vpcb");
        e.B.TransitGateways[0] = e.B.TransitGateways[0] with { SecurityGroupReferencingSupport = true };
        var sg = e.B.SecurityGroups.FindIndex(g => g.GroupId == "sg-vpcb");
        e.B.SecurityGroups[sg] = e.B.SecurityGroups[sg] with
        {
            IngressRules = new[] { new SecurityGroupRule("sg-vpcb", RuleDirection.Inbound, IpProtocol.Tcp, 443, 443, null, null, "sg-vpca", null, null) },
        };
        Owned(e, "vpca", "111111111111", az => az == "us-east-1a" ? "use1-az3" : "use1-az2");
        Owned(e, "vpcb", "222222222222", az => az == "us-east-1a" ? "use1-az3" : "use1-az2");
        var r = e.Walk(Estate.Host("vpca"), Estate.Host("vpcb"));
        Assert.Equal(PathVerdict.Blocked, r.Verdict);
        Assert.Equal("SG_REFERENCING_SUPPORT", r.Reason);
    }

    /// <summary>
    /// A regional NAT gateway is named by its VPC's owner, as the subnets are, so names compare; what cannot be compared is a
    /// subnet known only by its AZ id with an address known only by its name.
    /// </summary>
    [Fact]
    public void A_regional_nat_gateway_address_that_cannot_be_compared_with_the_source_zone_is_unknown()
    {
        // The reader fills a subnet's name with its AZ id when describe-subnets gave only the id.
        var subnet = new Subnet("subnet-1", "vpc-1", "use1-az1", "use1-az1", Cidr.Parse("10.0.1.0/24"), Array.Empty<Cidr>(), "111111111111", ResourceOrigin.Unknown);
        NatGateway Nat(string? azId) => new("nat-r", null, "vpc-1", "available", "public", "regional",
            new[] { new NatGatewayAddress(null, null, IpAddress.Parse("198.51.100.1"), "eipalloc-1", true, "us-east-1a") { AvailabilityZoneId = azId, Status = "succeeded" } },
            ResourceOrigin.Unknown) { AutoProvisionZones = "disabled", RouteTableId = "rtb-nat" };

        var unknown = RegionalNatSelector.ForSource(Nat(null), subnet);
        Assert.True(unknown.ZoneUnknown);
        Assert.False(unknown.Found);
        Assert.False(unknown.Blocked);   // manual mode, but whether the AZ is covered is not known
        Assert.Contains("cannot be compared", unknown.Problem, StringComparison.Ordinal);

        var known = RegionalNatSelector.ForSource(Nat("use1-az1"), subnet);
        Assert.True(known.Found);
        Assert.False(RegionalNatSelector.ForSource(Nat("use1-az2"), subnet).Found);
    }

    [Fact]
    public void A_walk_through_a_regional_nat_gateway_whose_address_zone_cannot_be_compared_is_unknown()
    {
        var b = ScenarioTests.ModelFor(ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == "regional-nat-gateway")).ToBuilder();
        var source = b.Instances.Single(i => i.InstanceId == "i-0f200000000000c41").SubnetId;
        // The source subnet known only by its AZ id, the gateway's addresses only by name: nothing bridges them.
        var s = b.Subnets.FindIndex(x => x.SubnetId == source);
        b.Subnets[s] = b.Subnets[s] with { AvailabilityZone = "use1-az1", AvailabilityZoneId = "use1-az1" };
        for (int i = 0; i < b.NatGateways.Count; i++)
            b.NatGateways[i] = b.NatGateways[i] with { Addresses = b.NatGateways[i].Addresses.Select(a => a with { AvailabilityZoneId = null }).ToList() };

        var r = new PacketWalker(b.Build()).Walk(new WalkRequest { Source = "i-0f200000000000c41", Destination = "8.8.8.8", Port = 443 });
        Assert.Equal(PathVerdict.Unknown, r.Verdict);
        Assert.Equal("UNKNOWN_AVAILABILITY_ZONE_ID", r.Reason);
        Assert.StartsWith("nat-", r.BlockedAt);
    }
}
