using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests.Trust;

// A small, seeded generator of whole estates for property tests: 1-3 VPCs (10.V.0.0/16) of 1-3 subnets (10.V.S.0/24)
// in two AZs, 0-2 hosts per subnet, random security groups, NACLs and route tables, and sometimes a transit gateway.
// Specs are plain records of small integers (choices resolved modulo the options at hand), so CsCheck can shrink a
// failing estate to a minimal one. Estates are written as describe-* JSON and read through SnapshotReader, so every
// property exercises the reader too. (The benchmark generator of issue 7 builds big estates; this one stays small.)

public sealed record RuleSpec(int Protocol, int Ports, int Peer);
public sealed record NaclEntrySpec(int Number, bool Allow, int Protocol, int Ports, int Cidr);
public sealed record SubnetSpec(int Az, int Hosts, int GroupMask, int Nacl, bool OwnTable);
public sealed record GroupSpec(RuleSpec[] Ingress, RuleSpec[] Egress, bool AllowAllEgress, bool AllowInternalIngress);
public sealed record NaclSpec(bool AllowAllAt100, NaclEntrySpec[] Inbound, NaclEntrySpec[] Outbound);
public sealed record RouteSpec(int Destination, int Target, bool Blackhole);
public sealed record VpcSpec(SubnetSpec[] Subnets, GroupSpec[] Groups, NaclSpec[] Nacls, RouteSpec[] MainRoutes, RouteSpec[] OwnRoutes, bool InternalToTgw);
public sealed record TgwSpec(int AttachMask, int SubnetChoice, int SkipAzMask, int PropagateMask, RouteSpec[] Static, bool Appliance);
public sealed record WalkSpec(int Source, int Destination, int Protocol, int Port);
public sealed record EstateSpec(VpcSpec[] Vpcs, TgwSpec? Tgw, WalkSpec Walk);

public static class EstateGen
{
    private static readonly Gen<RuleSpec> Rule = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[0, 9], (p, r, peer) => new RuleSpec(p, r, peer));
    private static readonly Gen<NaclEntrySpec> NaclEntry =
        Gen.Select(Gen.Int[1, 9], Gen.Bool, Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[0, 6], (n, a, p, r, c) => new NaclEntrySpec(n * 10, a, p, r, c));
    private static readonly Gen<SubnetSpec> Subnet =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 2], Gen.Int[1, 3], Gen.Int[0, 1], Gen.Int[0, 3], (az, h, g, n, own) => new SubnetSpec(az, h, g, n, own == 0));
    // Mostly permissive defaults (AWS's own: egress allow-all, default NACL allow-all) so that walks get far enough to
    // exercise routing and the TGW; the random rules then carve holes.
    private static readonly Gen<bool> Mostly = Gen.Int[0, 3].Select(i => i != 0);
    private static readonly Gen<GroupSpec> Group = Gen.Select(Rule.Array[0, 3], Rule.Array[0, 3], Mostly, Mostly, (i, e, all, internalIn) => new GroupSpec(i, e, all, internalIn));
    private static readonly Gen<NaclSpec> Nacl = Gen.Select(Mostly, NaclEntry.Array[0, 3], NaclEntry.Array[0, 3], (all, i, o) => new NaclSpec(all, i, o));
    private static readonly Gen<RouteSpec> Route = Gen.Select(Gen.Int[0, 6], Gen.Int[0, 3], Gen.Int[0, 7], (d, t, b) => new RouteSpec(d, t, b == 0));
    private static readonly Gen<VpcSpec> Vpc = Gen.Select(Subnet.Array[1, 3], Group.Array[1, 2], Nacl.Array[1, 2], Route.Array[0, 3], Route.Array[0, 2], Mostly,
        (s, g, n, m, o, toTgw) => new VpcSpec(s, g, n, m, o, toTgw));
    private static readonly Gen<int> MostlyAll = Gen.Frequency((3, Gen.Const(7)), (1, Gen.Int[0, 7]));
    private static readonly Gen<TgwSpec> Tgw = Gen.Select(MostlyAll, Gen.Int[0, 63], Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[0, 63])), MostlyAll, Route.Array[0, 2], Gen.Int[0, 4],
        (a, s, skip, p, r, ap) => new TgwSpec(a, s, skip, p, r, ap == 0));
    private static readonly Gen<WalkSpec> Walk = Gen.Select(Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 3], Gen.Int[0, 3], (s, d, p, port) => new WalkSpec(s, d, p, port));

    /// <summary>Estates with at least one host (a walk needs a source interface).</summary>
    public static readonly Gen<EstateSpec> Estate =
        Gen.Select(Vpc.Array[1, 3], Gen.Int[0, 3], Tgw, Walk, (vpcs, tgwRoll, tgw, walk) => new EstateSpec(vpcs, tgwRoll == 0 ? null : tgw, walk))
           .Where(e => e.Vpcs.Sum(v => v.Subnets.Sum(s => s.Hosts)) > 0);
}

/// <summary>One generated estate as describe-* documents (mutable JSON, so properties can edit it) plus a walk.</summary>
public sealed class Estate
{
    private static readonly string[] Azs = { "us-east-1a", "us-east-1b" };
    private static readonly (string Name, int Number)[] Protocols = { ("tcp", 6), ("udp", 17), ("icmp", 1), ("-1", -1), ("tcp", 6), ("tcp", 6) };
    private static readonly (int From, int To)[] PortChoices = { (443, 443), (22, 22), (80, 443), (1024, 65535), (0, 65535), (8080, 8080) };
    private static readonly int[] WalkPorts = { 443, 22, 80, 8080 };

    public Dictionary<string, JsonObject> Documents { get; } = new(StringComparer.Ordinal);
    public WalkRequest Request { get; private set; } = null!;
    public List<Host> Hosts { get; } = new();
    public EstateSpec Spec { get; }

    public sealed record Host(string InstanceId, string EniId, string SubnetId, string VpcId, string Ip, string[] GroupIds, string NaclId);

    public const string TgwId = "tgw-0f000000000000001";
    public const string TgwRouteTableId = "tgw-rtb-0f000000000000001";

    public Estate(EstateSpec spec)
    {
        Spec = spec;
        Build(spec);
    }

    private static string Id(string prefix, int a, int b = 0, int c = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-0{a:x2}{b:x2}{c:x2}0000000000");

    private JsonArray List(string key)
    {
        if (!Documents.TryGetValue(key, out var doc)) Documents[key] = doc = new JsonObject { [key] = new JsonArray() };
        return doc[key]!.AsArray();
    }

    private void Build(EstateSpec spec)
    {
        int vpcCount = spec.Vpcs.Length;
        var vpcCidrs = Enumerable.Range(0, vpcCount).Select(v => $"10.{v + 1}.0.0/16").ToArray();
        var subnetIdsByVpc = new List<List<(string Id, string Az, string Cidr)>>();
        foreach (var _ in Enumerable.Range(0, 4)) List(_ switch { 0 => "Vpcs", 1 => "Subnets", 2 => "NetworkInterfaces", _ => "Reservations" });

        for (int v = 0; v < vpcCount; v++)
        {
            var vs = spec.Vpcs[v];
            var vpcId = Id("vpc", v + 1);
            List("Vpcs").Add(new JsonObject { ["VpcId"] = vpcId, ["CidrBlock"] = vpcCidrs[v], ["OwnerId"] = "111122223333" });
            var groupIds = Enumerable.Range(0, vs.Groups.Length).Select(g => Id("sg", v + 1, g + 1)).ToArray();
            var naclIds = Enumerable.Range(0, vs.Nacls.Length).Select(n => Id("acl", v + 1, n + 1)).ToArray();
            var subnets = new List<(string, string, string)>();
            var naclSubnets = naclIds.ToDictionary(n => n, _ => new List<string>());
            var ownTables = new List<string>();
            for (int s = 0; s < vs.Subnets.Length; s++)
            {
                var ss = vs.Subnets[s];
                var subnetId = Id("subnet", v + 1, s + 1);
                var az = Azs[ss.Az];
                var cidr = $"10.{v + 1}.{s + 1}.0/24";
                subnets.Add((subnetId, az, cidr));
                List("Subnets").Add(new JsonObject { ["SubnetId"] = subnetId, ["VpcId"] = vpcId, ["CidrBlock"] = cidr, ["AvailabilityZone"] = az });
                var naclId = naclIds[ss.Nacl % naclIds.Length];
                naclSubnets[naclId].Add(subnetId);
                if (ss.OwnTable) ownTables.Add(subnetId);
                for (int h = 0; h < ss.Hosts; h++)
                {
                    var ip = $"10.{v + 1}.{s + 1}.{10 + h}";
                    var eniId = Id("eni", v + 1, s + 1, h + 1);
                    var instanceId = Id("i", v + 1, s + 1, h + 1);
                    var groups = groupIds.Where((_, g) => (ss.GroupMask >> g & 1) == 1).DefaultIfEmpty(groupIds[0]).ToArray();
                    List("NetworkInterfaces").Add(new JsonObject
                    {
                        ["NetworkInterfaceId"] = eniId, ["SubnetId"] = subnetId, ["VpcId"] = vpcId, ["AvailabilityZone"] = az, ["PrivateIpAddress"] = ip,
                        ["Groups"] = new JsonArray(groups.Select(g => (JsonNode)new JsonObject { ["GroupId"] = g }).ToArray()),
                        ["Attachment"] = new JsonObject { ["InstanceId"] = instanceId, ["DeviceIndex"] = 0 },
                    });
                    List("Reservations").Add(new JsonObject
                    {
                        ["Instances"] = new JsonArray(new JsonObject
                        {
                            ["InstanceId"] = instanceId, ["SubnetId"] = subnetId, ["VpcId"] = vpcId, ["PrivateIpAddress"] = ip,
                            ["State"] = new JsonObject { ["Name"] = "running" }, ["Placement"] = new JsonObject { ["AvailabilityZone"] = az },
                        }),
                    });
                    Hosts.Add(new Host(instanceId, eniId, subnetId, vpcId, ip, groups, naclId));
                }
            }
            subnetIdsByVpc.Add(subnets);

            // Peers a rule may name: addresses in and around the estate, and the groups of this VPC.
            var peers = new List<JsonObject>
            {
                Range("0.0.0.0/0"), Range("10.0.0.0/8"), Range(vpcCidrs[v]), Range(vpcCidrs[(v + 1) % vpcCount]),
                Range(subnets[0].Item3), Range($"10.{v + 1}.1.10/32"), Range("192.0.2.0/24"),
            };
            foreach (var g in groupIds) peers.Add(new JsonObject { ["UserIdGroupPairs"] = new JsonArray(new JsonObject { ["GroupId"] = g }) });
            for (int g = 0; g < vs.Groups.Length; g++)
                List("SecurityGroups").Add(new JsonObject
                {
                    ["GroupId"] = groupIds[g], ["GroupName"] = $"g{v}{g}", ["VpcId"] = vpcId,
                    ["IpPermissions"] = new JsonArray(vs.Groups[g].Ingress.Select(r => (JsonNode)Permission(r, peers))
                        .Concat(vs.Groups[g].AllowInternalIngress ? new JsonNode[] { AllTraffic("10.0.0.0/8") } : Array.Empty<JsonNode>()).ToArray()),
                    ["IpPermissionsEgress"] = new JsonArray(vs.Groups[g].Egress.Select(r => (JsonNode)Permission(r, peers))
                        .Concat(vs.Groups[g].AllowAllEgress ? new JsonNode[] { AllTraffic("0.0.0.0/0") } : Array.Empty<JsonNode>()).ToArray()),
                });

            var naclCidrs = new[] { "0.0.0.0/0", "10.0.0.0/8", vpcCidrs[v], vpcCidrs[(v + 1) % vpcCount], subnets[0].Item3, "10.1.1.10/32", "192.0.2.0/24" };
            for (int n = 0; n < vs.Nacls.Length; n++)
            {
                var ns = vs.Nacls[n];
                var entries = new JsonArray();
                foreach (var egress in new[] { false, true })
                {
                    var seen = new HashSet<int>();
                    foreach (var e in egress ? ns.Outbound : ns.Inbound)
                        if (seen.Add(e.Number)) entries.Add(NaclEntry(e.Number, egress, e.Allow, e.Protocol, e.Ports, naclCidrs[e.Cidr % naclCidrs.Length]));
                    if (ns.AllowAllAt100 && seen.Add(100)) entries.Add(NaclEntry(100, egress, true, 3, 4, "0.0.0.0/0"));
                    entries.Add(new JsonObject { ["RuleNumber"] = 32767, ["Protocol"] = "-1", ["RuleAction"] = "deny", ["Egress"] = egress, ["CidrBlock"] = "0.0.0.0/0" });
                }
                List("NetworkAcls").Add(new JsonObject
                {
                    ["NetworkAclId"] = naclIds[n], ["VpcId"] = vpcId, ["IsDefault"] = n == 0, ["Entries"] = entries,
                    ["Associations"] = new JsonArray(naclSubnets[naclIds[n]].Select(s => (JsonNode)new JsonObject { ["NetworkAclId"] = naclIds[n], ["SubnetId"] = s }).ToArray()),
                });
            }

            var routeDestinations = new[] { "10.0.0.0/8", vpcCidrs[(v + 1) % vpcCount], vpcCidrs[(v + 2) % vpcCount], "0.0.0.0/0", $"10.{(v + 1) % vpcCount + 1}.1.0/24", "10.9.0.0/16", $"10.{(v + 1) % vpcCount + 1}.2.0/24" };
            var mainRoutes = vs.InternalToTgw ? new[] { new RouteSpec(0, 0, false) }.Concat(vs.MainRoutes).ToArray() : vs.MainRoutes;
            List("RouteTables").Add(RouteTable(Id("rtb", v + 1), vpcId, vpcCidrs[v], mainRoutes, routeDestinations, new JsonObject { ["Main"] = true }));
            if (ownTables.Count > 0)
                List("RouteTables").Add(RouteTable(Id("rtb", v + 1, 9), vpcId, vpcCidrs[v], vs.OwnRoutes, routeDestinations,
                    ownTables.Select(s => new JsonObject { ["Main"] = false, ["SubnetId"] = s }).ToArray()));
        }

        if (spec.Tgw is { } tgw && vpcCount > 0) BuildTgw(tgw, spec, vpcCidrs, subnetIdsByVpc);

        // The walk: a host as source; a host, or an address with no interface, as destination.
        var source = Hosts[spec.Walk.Source % Hosts.Count];
        var destinationChoices = Hosts.Select(h => h.InstanceId).Concat(new[] { "10.1.1.99", $"10.{vpcCount}.3.7" }).ToList();
        var destination = destinationChoices[spec.Walk.Destination % destinationChoices.Count];
        var protocol = new[] { IpProtocol.Tcp, IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmp }[spec.Walk.Protocol];
        Request = new WalkRequest
        {
            Source = source.InstanceId,
            Destination = destination,
            Protocol = protocol,
            Port = IpProtocol.HasPorts(protocol) ? WalkPorts[spec.Walk.Port] : null,
        };
    }

    private static JsonObject AllTraffic(string cidr) { var p = Range(cidr); p["IpProtocol"] = "-1"; return p; }

    private static JsonObject Range(string cidr) => new() { ["IpRanges"] = new JsonArray(new JsonObject { ["CidrIp"] = cidr }) };

    private static JsonObject Permission(RuleSpec r, List<JsonObject> peers)
    {
        var (name, _) = Protocols[r.Protocol];
        var p = (JsonObject)peers[r.Peer % peers.Count].DeepClone();
        p["IpProtocol"] = name;
        if (name is "tcp" or "udp") { p["FromPort"] = PortChoices[r.Ports].From; p["ToPort"] = PortChoices[r.Ports].To; }
        else if (name == "icmp") { p["FromPort"] = r.Ports == 0 ? 8 : -1; p["ToPort"] = -1; }
        return p;
    }

    private static JsonObject NaclEntry(int number, bool egress, bool allow, int protocol, int ports, string cidr)
    {
        var (name, number_) = Protocols[protocol];
        var e = new JsonObject
        {
            ["RuleNumber"] = number, ["Protocol"] = number_.ToString(CultureInfo.InvariantCulture), ["RuleAction"] = allow ? "allow" : "deny",
            ["Egress"] = egress, ["CidrBlock"] = cidr,
        };
        if (name is "tcp" or "udp") e["PortRange"] = new JsonObject { ["From"] = PortChoices[ports].From, ["To"] = PortChoices[ports].To };
        else if (name == "icmp") e["IcmpTypeCode"] = new JsonObject { ["Type"] = ports == 0 ? 8 : -1, ["Code"] = -1 };
        return e;
    }

    private JsonObject RouteTable(string id, string vpcId, string vpcCidr, RouteSpec[] routes, string[] destinations, params JsonObject[] associations)
    {
        var list = new JsonArray(new JsonObject { ["DestinationCidrBlock"] = vpcCidr, ["GatewayId"] = "local", ["State"] = "active" });
        var seen = new HashSet<string> { vpcCidr };
        foreach (var r in routes)
        {
            var destination = destinations[r.Destination % destinations.Length];
            if (!seen.Add(destination)) continue;   // one route per destination in a table, as in AWS
            var route = new JsonObject { ["DestinationCidrBlock"] = destination, ["State"] = r.Blackhole ? "blackhole" : "active" };
            switch (r.Target)
            {
                case 0: case 1: route["TransitGatewayId"] = TgwId; break;
                case 2: route["VpcPeeringConnectionId"] = "pcx-0aa00000000000001"; break;
                default: route["GatewayId"] = "igw-0aa00000000000001"; break;
            }
            list.Add(route);
        }
        foreach (var a in associations) a["RouteTableId"] = id;
        return new JsonObject { ["RouteTableId"] = id, ["VpcId"] = vpcId, ["Routes"] = list, ["Associations"] = new JsonArray(associations.Select(a => (JsonNode)a).ToArray()) };
    }

    private void BuildTgw(TgwSpec tgw, EstateSpec spec, string[] vpcCidrs, List<List<(string Id, string Az, string Cidr)>> subnetsByVpc)
    {
        List("TransitGateways").Add(new JsonObject { ["TransitGatewayId"] = TgwId, ["State"] = "available" });
        List("TransitGatewayRouteTables").Add(new JsonObject { ["TransitGatewayRouteTableId"] = TgwRouteTableId, ["TransitGatewayId"] = TgwId });
        var propagations = new JsonArray();
        var attachments = new List<string>();
        for (int v = 0; v < spec.Vpcs.Length; v++)
        {
            if ((tgw.AttachMask >> v & 1) == 0) continue;
            var attachmentId = Id("tgw-attach", v + 1);
            var vpcId = Id("vpc", v + 1);
            attachments.Add(attachmentId);
            // One subnet per AZ at most (R-TGW-1); which one (or none) the spec decides.
            var chosen = new List<string>();
            foreach (var az in Azs)
            {
                var inAz = subnetsByVpc[v].Where(s => s.Az == az).ToList();
                if (inAz.Count == 0) continue;
                int bit = 2 * v + (az == Azs[0] ? 0 : 1);
                if ((tgw.SkipAzMask >> bit & 1) == 1) continue;
                chosen.Add(inAz[(tgw.SubnetChoice >> bit) % inAz.Count].Id);
            }
            if (chosen.Count == 0) chosen.Add(subnetsByVpc[v][0].Id);
            foreach (var subnetId in chosen)
            {
                var subnet = subnetsByVpc[v].First(s => s.Id == subnetId);
                List("NetworkInterfaces").Add(new JsonObject
                {
                    ["NetworkInterfaceId"] = Id("eni", v + 1, subnetsByVpc[v].FindIndex(s => s.Id == subnetId) + 1, 0xee), ["SubnetId"] = subnetId, ["VpcId"] = vpcId, ["AvailabilityZone"] = subnet.Az,
                    ["PrivateIpAddress"] = subnet.Cidr.Replace("0/24", "200"), ["Description"] = $"Network Interface for Transit Gateway Attachment {attachmentId}",
                    ["InterfaceType"] = "transit_gateway", ["RequesterManaged"] = true,
                });
            }
            List("TransitGatewayAttachments").Add(new JsonObject
            {
                ["TransitGatewayAttachmentId"] = attachmentId, ["TransitGatewayId"] = TgwId, ["ResourceType"] = "vpc", ["ResourceId"] = vpcId, ["State"] = "available",
                ["Association"] = new JsonObject { ["TransitGatewayRouteTableId"] = TgwRouteTableId, ["State"] = "associated" },
            });
            List("TransitGatewayVpcAttachments").Add(new JsonObject
            {
                ["TransitGatewayAttachmentId"] = attachmentId, ["TransitGatewayId"] = TgwId, ["VpcId"] = vpcId, ["State"] = "available",
                ["SubnetIds"] = new JsonArray(chosen.Select(s => (JsonNode)s).ToArray()),
                ["Options"] = new JsonObject { ["ApplianceModeSupport"] = tgw.Appliance ? "enable" : "disable" },
            });
            if ((tgw.PropagateMask >> v & 1) == 1)
                propagations.Add(new JsonObject { ["TransitGatewayAttachmentId"] = attachmentId, ["ResourceId"] = vpcId, ["ResourceType"] = "vpc", ["State"] = "enabled" });
        }
        List("TransitGatewayPropagations").Add(new JsonObject { ["TransitGatewayRouteTableId"] = TgwRouteTableId, ["TransitGatewayRouteTablePropagations"] = propagations });
        var routes = new JsonArray();
        var seen = new HashSet<string>();
        foreach (var r in tgw.Static)
        {
            var destination = r.Destination % 2 == 0 ? vpcCidrs[r.Destination / 2 % vpcCidrs.Length] : $"10.{r.Destination / 2 % vpcCidrs.Length + 1}.1.0/24";
            if (!seen.Add(destination)) continue;
            var route = new JsonObject { ["DestinationCidrBlock"] = destination, ["Type"] = "static", ["State"] = r.Blackhole || attachments.Count == 0 ? "blackhole" : "active" };
            if (!r.Blackhole && attachments.Count > 0)
                route["TransitGatewayAttachments"] = new JsonArray(new JsonObject { ["TransitGatewayAttachmentId"] = attachments[r.Target % attachments.Count], ["ResourceType"] = "vpc" });
            routes.Add(route);
        }
        List("TransitGatewayStaticRoutes").Add(new JsonObject { ["TransitGatewayRouteTableId"] = TgwRouteTableId, ["Routes"] = routes });
    }

    // ---- reading ---------------------------------------------------------------------------------------------------

    /// <summary>The documents as files: one per top-level key, named like the AWS CLI dumps.</summary>
    public List<(string File, string Json)> Files() =>
        Documents.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ($"{kv.Key}.json", kv.Value.ToJsonString())).ToList();

    public static NetworkModel Read(IEnumerable<(string File, string Json)> files)
    {
        var builder = new NetworkModelBuilder();
        foreach (var (file, json) in files) SnapshotReader.ReadJson(builder, json, file, null, null);
        return builder.Build();
    }

    public NetworkModel Read() => Read(Files());

    public Estate Clone() => new(Spec, Documents, Request);

    private Estate(EstateSpec spec, Dictionary<string, JsonObject> documents, WalkRequest request)
    {
        Spec = spec;
        foreach (var (k, v) in documents) Documents[k] = (JsonObject)v.DeepClone();
        Request = request;
    }

    public Estate WithRequest(WalkRequest request) { var e = Clone(); e.Request = request; return e; }

    // ---- edits used by the properties -------------------------------------------------------------------------------

    /// <summary>Every place an allow lives: SG permissions (ingress and egress) and NACL allow entries other than the * rule.</summary>
    public List<(string What, Action Remove)> AllowRules()
    {
        var result = new List<(string, Action)>();
        if (Documents.TryGetValue("SecurityGroups", out var sgs))
            foreach (var g in sgs["SecurityGroups"]!.AsArray())
                foreach (var key in new[] { "IpPermissions", "IpPermissionsEgress" })
                {
                    var list = g![key]!.AsArray();
                    for (int i = 0; i < list.Count; i++)
                    {
                        var item = list[i];
                        result.Add(($"{g["GroupId"]} {key}[{i}] {item!.ToJsonString()}", () => list.Remove(item)));
                    }
                }
        if (Documents.TryGetValue("NetworkAcls", out var acls))
            foreach (var a in acls["NetworkAcls"]!.AsArray())
            {
                var list = a!["Entries"]!.AsArray();
                foreach (var e in list.ToList())
                    if ((string?)e!["RuleAction"] == "allow" && (int)e["RuleNumber"]! != 32767)
                        result.Add(($"{a["NetworkAclId"]} {e.ToJsonString()}", () => list.Remove(e)));
            }
        return result;
    }

    /// <summary>
    /// Routes whose removal leaves their destinations with no route in that table: no other route's prefix covers
    /// theirs. (Removing a route that a less specific one covers can legitimately open a path: longest-prefix match.)
    /// </summary>
    public List<(string What, Action Remove)> RemovableRoutes()
    {
        var result = new List<(string, Action)>();
        if (Documents.TryGetValue("RouteTables", out var tables))
            foreach (var t in tables["RouteTables"]!.AsArray())
            {
                var list = t!["Routes"]!.AsArray();
                var prefixes = list.Select(r => Cidr.Parse((string)r!["DestinationCidrBlock"]!)).ToList();
                for (int i = 0; i < list.Count; i++)
                {
                    var route = list[i]!;
                    if ((string?)route["GatewayId"] == "local") continue;
                    var mine = prefixes[i];
                    if (prefixes.Where((p, j) => j != i && p.Covers(mine)).Any()) continue;
                    result.Add(($"{t["RouteTableId"]} {route.ToJsonString()}", () => list.Remove(route)));
                }
            }
        if (Documents.TryGetValue("TransitGatewayStaticRoutes", out var tgwRoutes))
        {
            var propagated = new List<Cidr>();
            if (Documents.TryGetValue("TransitGatewayPropagations", out var props) && Documents.TryGetValue("Vpcs", out var vpcs))
                foreach (var p in props["TransitGatewayPropagations"]![0]!["TransitGatewayRouteTablePropagations"]!.AsArray())
                    foreach (var v in vpcs["Vpcs"]!.AsArray())
                        if ((string?)v!["VpcId"] == (string?)p!["ResourceId"]) propagated.Add(Cidr.Parse((string)v["CidrBlock"]!));
            var list = tgwRoutes["TransitGatewayStaticRoutes"]![0]!["Routes"]!.AsArray();
            var statics = list.Select(r => Cidr.Parse((string)r!["DestinationCidrBlock"]!)).ToList();
            for (int i = 0; i < list.Count; i++)
            {
                var route = list[i]!;
                var mine = statics[i];
                if (statics.Where((p, j) => j != i && p.Covers(mine)).Any() || propagated.Any(p => p.Covers(mine))) continue;
                result.Add(($"{TgwRouteTableId} {route.ToJsonString()}", () => list.Remove(route)));
            }
        }
        return result;
    }

    /// <summary>Shuffles every list in every document (resources, rules, entries, routes, associations).</summary>
    public void ShuffleLists(Random random)
    {
        foreach (var doc in Documents.Values) Shuffle(doc, random);
    }

    private static void Shuffle(JsonNode? node, Random random)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o.ToList()) Shuffle(child, random);
                break;
            case JsonArray a:
                var items = a.ToList();
                a.Clear();
                foreach (var item in items.OrderBy(_ => random.Next())) { a.Add(item); Shuffle(item, random); }
                break;
        }
    }

    /// <summary>The documents split over 1-4 files in a random order, keys merged into shared files at random.</summary>
    public List<(string File, string Json)> FilesInRandomLayout(Random random)
    {
        int fileCount = random.Next(1, 5);
        var files = Enumerable.Range(0, fileCount).Select(_ => new JsonObject()).ToList();
        foreach (var (key, doc) in Documents.OrderBy(_ => random.Next()))
            files[random.Next(fileCount)][key] = doc[key]!.DeepClone();
        return files.Where(f => f.Count > 0).Select((f, i) => ($"part{random.Next(1000):000}-{i}.json", f.ToJsonString())).OrderBy(_ => random.Next()).ToList();
    }

    private static readonly Regex IdPattern = new(@"\b(?:tgw-attach|tgw-rtb|subnet|vpc|eni|sg|acl|rtb|tgw|i|pcx|igw)-0[0-9a-z]{16}\b", RegexOptions.CultureInvariant);

    /// <summary>Renames every id by one random bijection (same prefix, new suffix); returns the mapping old -> new.</summary>
    public Dictionary<string, string> RenameIds(Random random)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        string Rename(Match m)
        {
            if (map.TryGetValue(m.Value, out var renamed)) return renamed;
            var prefix = m.Value[..(m.Value.LastIndexOf('-') + 1)];
            do renamed = prefix + "0" + string.Concat(Enumerable.Range(0, 16).Select(_ => "0123456789abcdef"[random.Next(16)]));
            while (map.ContainsValue(renamed));
            return map[m.Value] = renamed;
        }
        foreach (var key in Documents.Keys.ToList())
            Documents[key] = JsonNode.Parse(IdPattern.Replace(Documents[key].ToJsonString(), Rename))!.AsObject();
        Request = Request with
        {
            Source = IdPattern.Replace(Request.Source, Rename),
            Destination = IdPattern.Replace(Request.Destination, Rename),
        };
        return map;
    }

    /// <summary>Host by instance id (the request names instances).</summary>
    public Host? HostOf(string instanceId) => Hosts.FirstOrDefault(h => h.InstanceId == instanceId);

    /// <summary>Removes every inbound rule of <paramref name="groupIds"/> (ingress) or every outbound rule (egress).</summary>
    public void ClearGroupRules(IEnumerable<string> groupIds, bool ingress)
    {
        var ids = groupIds.ToHashSet(StringComparer.Ordinal);
        foreach (var g in Documents["SecurityGroups"]["SecurityGroups"]!.AsArray())
            if (ids.Contains((string)g!["GroupId"]!)) g[ingress ? "IpPermissions" : "IpPermissionsEgress"] = new JsonArray();
    }

    /// <summary>Puts an inbound "rule 1 deny all" in front of a NACL.</summary>
    public void DenyAllInbound(string naclId)
    {
        foreach (var a in Documents["NetworkAcls"]["NetworkAcls"]!.AsArray())
            if ((string?)a!["NetworkAclId"] == naclId)
            {
                var entries = a["Entries"]!.AsArray();
                foreach (var e in entries.Where(e => (int)e!["RuleNumber"]! == 1 && !(bool)e["Egress"]!).ToList()) entries.Remove(e);
                entries.Add(new JsonObject { ["RuleNumber"] = 1, ["Protocol"] = "-1", ["RuleAction"] = "deny", ["Egress"] = false, ["CidrBlock"] = "0.0.0.0/0" });
            }
    }

    public override string ToString() => $"{Request.Source} -> {Request.Destination} {IpProtocol.Name(Request.Protocol)}/{Request.Port}\n" +
        string.Join("\n", Files().Select(f => $"{f.File}: {f.Json}"));
}
