using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

public class NaclEvaluatorTests
{
    private static NetworkAclEntry Entry(int n, bool egress, int proto, bool allow, string cidr, int? from = null, int? to = null, int? type = null, int? code = null) =>
        new(n, egress, proto, allow, Cidr.Parse(cidr), from is null ? null : new PortRange(from.Value, to ?? from.Value), type, code);

    private static NetworkAcl Acl(params NetworkAclEntry[] entries) =>
        new("acl-1", "vpc-1", false, entries, Array.Empty<string>(), null, ResourceOrigin.Unknown);

    [Fact]
    public void Lowest_rule_number_wins_whatever_the_listed_order()   // R-NACL-2
    {
        var acl = Acl(Entry(200, false, -1, true, "0.0.0.0/0"), Entry(100, false, 6, false, "10.0.0.0/16", 443));
        var d = NaclEvaluator.Evaluate(acl, RuleDirection.Inbound, IpAddress.Parse("10.0.9.132"), 6, PortSet.Of(443), null, null);
        Assert.True(d.DeniesAll);
        Assert.Equal(100, d.DecidingMatch!.Entry.RuleNumber);
    }

    [Fact]
    public void Unmatched_traffic_hits_the_star_deny()   // R-NACL-3
    {
        var d = NaclEvaluator.Evaluate(Acl(Entry(100, true, 6, true, "0.0.0.0/0", 0, 1023)), RuleDirection.Outbound, IpAddress.Parse("10.0.9.132"), 6, PortSet.Of(32768, 60999), null, null);
        Assert.True(d.DeniesAll);
        Assert.StartsWith("rule * deny", d.RuleText);
    }

    [Fact]
    public void Partial_port_ranges_split_by_rule()
    {
        var acl = Acl(Entry(100, true, 6, true, "0.0.0.0/0", 32768, 40000));
        var d = NaclEvaluator.Evaluate(acl, RuleDirection.Outbound, IpAddress.Parse("10.0.9.132"), 6, PortSet.Of(32768, 60999), null, null);
        Assert.Equal("32768-40000", d.Allowed.ToString());
        Assert.Equal("40001-60999", d.Denied.ToString());
    }

    [Fact]
    public void Ipv4_rules_do_not_match_ipv6()   // R-NACL-4
    {
        var acl = Acl(Entry(100, false, -1, true, "0.0.0.0/0"));
        Assert.True(NaclEvaluator.Evaluate(acl, RuleDirection.Inbound, IpAddress.Parse("2600::1"), 6, PortSet.Of(443), null, null).DeniesAll);
    }

    [Fact]
    public void Other_protocols_ignore_ports_and_icmpv6_on_ipv4_matches_all_types()   // R-NACL-6
    {
        var gre = Acl(Entry(100, false, 47, true, "0.0.0.0/0", 1, 1));
        Assert.True(NaclEvaluator.Evaluate(gre, RuleDirection.Inbound, IpAddress.Parse("10.0.0.1"), 47, PortSet.All, null, null).AllowsAll);
        var v6 = Acl(Entry(100, false, 58, true, "0.0.0.0/0", type: 128, code: 0));
        Assert.True(NaclEvaluator.Evaluate(v6, RuleDirection.Inbound, IpAddress.Parse("10.0.0.1"), 58, PortSet.All, 1, 0).AllowsAll);
    }

    [Fact]
    public void Icmp_type_and_code_match()
    {
        var acl = Acl(Entry(100, false, 1, true, "0.0.0.0/0", type: 8, code: -1));
        Assert.True(NaclEvaluator.Evaluate(acl, RuleDirection.Inbound, IpAddress.Parse("10.0.0.1"), 1, PortSet.All, 8, 0).AllowsAll);
        Assert.True(NaclEvaluator.Evaluate(acl, RuleDirection.Inbound, IpAddress.Parse("10.0.0.1"), 1, PortSet.All, 0, 0).DeniesAll);
    }
}
