using System.Text.Json.Nodes;
using PacketWalk.Core.Net;
using static PacketWalk.Aws.LiveEstateReader;

namespace PacketWalk.Aws;

/// <summary>One walk-scoped read: state that grows round by round as references are followed.</summary>
internal sealed class WalkRead : IDisposable
{
    private const int MaxRounds = 8;

    private readonly object _gate = new();
    private readonly LiveEstateReader _reader;
    private readonly LiveReadContext _context;
    private readonly Dictionary<AwsSession, Ec2Caller> _callers = new();
    private readonly HashSet<string> _fullVpcs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AwsSession> _tgwSession = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tgwRouteTablesRead = new(StringComparer.Ordinal);
    private readonly HashSet<string> _prefixListsRead = new(StringComparer.Ordinal);
    private readonly List<IpAddress> _endpointAddresses = new();
    private Dictionary<string, AwsSession> _pendingTgws = new(StringComparer.Ordinal);
    private Dictionary<string, AwsSession> _pendingPrefixLists = new(StringComparer.Ordinal);
    /// <summary>VPCs found while reading a round (peer VPCs that hold an endpoint address), read in the next round.</summary>
    private Dictionary<string, AwsSession> _pendingVpcs = new(StringComparer.Ordinal);

    public WalkRead(LiveEstateReader reader, LiveReadContext context)
    {
        _reader = reader;
        _context = context;
    }

    public DocumentSet Documents { get; } = new();

    private IReadOnlyList<AwsSession> Sessions => _reader.Sessions;

    private Ec2Caller Caller(AwsSession session)
    {
        lock (_callers)
        {
            if (!_callers.TryGetValue(session, out var caller)) _callers[session] = caller = new Ec2Caller(session, _context);
            return caller;
        }
    }

    /// <summary>The session of the account that owns a resource; the caller's own when no role is for that account.</summary>
    private AwsSession SessionFor(string? accountId, AwsSession fallback) =>
        accountId is null ? fallback : Sessions.FirstOrDefault(s => s.AccountId == accountId) ?? fallback;

    public void Dispose()
    {
        foreach (var c in _callers.Values) c.Dispose();
    }

    public async Task RunAsync(IReadOnlyCollection<string> endpoints)
    {
        if (Sessions.Count > 1)
            foreach (var s in Sessions.Where(s => s.AccountId is null))
            {
                // Several accounts: route each VPC and TGW to its owner's session, which needs the caller's own account.
                _context.Started("GetCallerIdentity");
                try { s.AccountId = await AwsSessionFactory.CallerAccountAsync(s, _context.Log, _context.CancellationToken).ConfigureAwait(false); }
                finally { _context.Completed("GetCallerIdentity"); }
                _context.Verbose($"STS GetCallerIdentity [{s.Describe()}]: account {s.AccountId}");
            }

        var pendingVpcs = await ResolveEndpointsAsync(endpoints).ConfigureAwait(false);
        for (int round = 1; pendingVpcs.Count > 0 || _pendingTgws.Count > 0 || _pendingPrefixLists.Count > 0; round++)
        {
            if (round > MaxRounds)
            {
                _context.Warn($"Stopped following references after {MaxRounds} rounds; {string.Join(", ", pendingVpcs.Keys)} not read. The walk says Unknown where it needs them.");
                break;
            }
            await ReadVpcsAsync(pendingVpcs).ConfigureAwait(false);
            await ReadTransitGatewaysAndPrefixListsAsync().ConfigureAwait(false);
            await ReadTgwRouteTablesAsync().ConfigureAwait(false);
            pendingVpcs = await FollowTgwRoutesAsync().ConfigureAwait(false);
            List<AwsSession> regionSessions;
            lock (_gate) { regionSessions = _newRegionSessions.ToList(); _newRegionSessions.Clear(); }
            if (regionSessions.Count > 0 && _unresolvedEndpoints.Count > 0)
                // An endpoint not found in the caller's region may be behind a TGW peering in another region.
                foreach (var (vpc, session) in await ResolveEndpointsAsync(_unresolvedEndpoints, regionSessions).ConfigureAwait(false))
                    pendingVpcs.TryAdd(vpc, session);
            lock (_gate)
            {
                foreach (var (vpc, session) in _pendingVpcs)
                    if (!_fullVpcs.Contains(vpc)) pendingVpcs.TryAdd(vpc, session);
                _pendingVpcs = new(StringComparer.Ordinal);
            }
        }
    }

    // ---- round 0: the endpoints -----------------------------------------------------------------------------------

    private async Task<Dictionary<string, AwsSession>> ResolveEndpointsAsync(IReadOnlyCollection<string> endpoints, IReadOnlyList<AwsSession>? sessions = null)
    {
        sessions ??= Sessions;
        var (instances, enis, addresses, edges) = Classify(endpoints);
        _endpointAddresses.AddRange(addresses);
        var pending = new Dictionary<string, AwsSession>(StringComparer.Ordinal);
        var openInstances = instances.ToHashSet(StringComparer.Ordinal);
        var openEnis = enis.ToHashSet(StringComparer.Ordinal);
        var openV4 = addresses.Where(a => !a.IsV6 && IsPrivateV4(a)).Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
        // A public IPv4 address names an interface through its association (an Elastic IP or auto-assigned address).
        var openPublic = addresses.Where(a => !a.IsV6 && !IsPrivateV4(a)).Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
        var openV6 = addresses.Where(a => a.IsV6).Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);

        foreach (var session in sessions)
        {
            if (openInstances.Count + openEnis.Count + openV4.Count + openV6.Count + openPublic.Count == 0) break;
            var c = Caller(session);
            var instanceTask = openInstances.Count > 0 ? Calls.Instances(c, "instance-id", openInstances.ToList(), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            var eniTask = openEnis.Count > 0 ? Calls.NetworkInterfaces(c, "network-interface-id", openEnis.ToList(), Ec2Caller.PropertyIn("NetworkInterfaceId", openEnis.ToList()), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            var v4Task = openV4.Count > 0 ? Calls.NetworkInterfaces(c, "addresses.private-ip-address", openV4.ToList(), HasAddress(openV4.ToList()), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            var v6Task = openV6.Count > 0 ? Calls.NetworkInterfaces(c, "ipv6-addresses.ipv6-address", openV6.ToList(), HasAddress(openV6.ToList()), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            var publicTask = openPublic.Count > 0 ? Calls.NetworkInterfaces(c, "association.public-ip", openPublic.ToList(), HasPublicAddress(openPublic.ToList()), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            await Task.WhenAll(instanceTask, eniTask, v4Task, v6Task, publicTask).ConfigureAwait(false);

            if (instanceTask.Result is { } reservations)
            {
                File(Documents, c, "Reservations", reservations);
                foreach (var instance in reservations.SelectMany(r => Objects(r["Instances"])))
                {
                    openInstances.Remove(Str(instance["InstanceId"]) ?? "");
                    if (Str(instance["VpcId"]) is { } vpc) pending.TryAdd(vpc, session);
                    AddAddresses(instance);
                    foreach (var eni in Objects(instance["NetworkInterfaces"])) AddAddresses(eni);
                }
            }
            foreach (var found in new[] { eniTask.Result, v4Task.Result, v6Task.Result, publicTask.Result })
            {
                if (found is null) continue;
                File(Documents, c, "NetworkInterfaces", found);
                foreach (var eni in found)
                {
                    openEnis.Remove(Str(eni["NetworkInterfaceId"]) ?? "");
                    foreach (var a in Addresses(eni).Concat(PublicAddresses(eni))) { openV4.Remove(a); openV6.Remove(a); openPublic.Remove(a); }
                    if (Str(eni["VpcId"]) is { } vpc) pending.TryAdd(vpc, session);
                    AddAddresses(eni);
                }
            }
        }
        if (openInstances.Count + openEnis.Count > 0)
            _context.Verbose($"Not found with any session: {string.Join(", ", openInstances.Concat(openEnis))}");
        _unresolvedEndpoints = openInstances.Concat(openEnis).Concat(openV4).Concat(openV6).Concat(openPublic).ToList();
        if (edges.Count > 0 && ReferenceEquals(sessions, Sessions)) await ResolveEdgesAsync(edges, pending).ConfigureAwait(false);
        return pending;
    }

    /// <summary>Walks that start or end at a gateway or a TGW attachment (igw-, vgw-, tgw-attach-): read it and the VPC or TGW behind it.</summary>
    private async Task ResolveEdgesAsync(IReadOnlyList<string> edges, Dictionary<string, AwsSession> pending)
    {
        var session = Sessions[0];
        var c = Caller(session);
        var igws = edges.Where(e => e.StartsWith("igw-", StringComparison.Ordinal)).ToList();
        var vgws = edges.Where(e => e.StartsWith("vgw-", StringComparison.Ordinal)).ToList();
        var attachments = edges.Where(e => e.StartsWith("tgw-attach-", StringComparison.Ordinal)).ToList();
        var nats = edges.Where(e => e.StartsWith("nat-", StringComparison.Ordinal)).ToList();
        var natTask = nats.Count > 0 ? Calls.NatGatewaysById(c, nats) : Task.FromResult<List<JsonObject>?>(null);
        var igwTask = igws.Count > 0 ? Calls.InternetGatewaysById(c, igws) : Task.FromResult<List<JsonObject>?>(null);
        var vgwTask = vgws.Count > 0 ? Calls.VpnGatewaysById(c, vgws) : Task.FromResult<List<JsonObject>?>(null);
        var attTask = attachments.Count > 0
            ? c.PagesAsync("DescribeTransitGatewayAttachments", PacketWalk.Core.Snapshot.ResourceKinds.TransitGatewayAttachments, Ec2Caller.Scope(("transit-gateway-attachment-id", attachments)),
                (token, ct) => c.Client.DescribeTransitGatewayAttachmentsAsync(new Amazon.EC2.Model.DescribeTransitGatewayAttachmentsRequest { Filters = Ec2Caller.Filters(("transit-gateway-attachment-id", attachments)), NextToken = token }, ct),
                r => r.TransitGatewayAttachments, r => r.NextToken, Ec2Caller.PropertyIn("TransitGatewayAttachmentId", attachments))
            : Task.FromResult<List<JsonObject>?>(null);
        await Task.WhenAll(igwTask, vgwTask, attTask, natTask).ConfigureAwait(false);
        File(Documents, c, "NatGateways", natTask.Result);
        foreach (var n in natTask.Result ?? new()) if (Str(n["VpcId"]) is { } nv) pending.TryAdd(nv, session);
        // A virtual private gateway the account does not describe (or whose attachment is gone) still shows in the
        // route tables that route to it or are edge-associated with it.
        var unplaced = vgws.Where(id => !(vgwTask.Result ?? new()).Any(g => Str(g["VpnGatewayId"]) == id && Objects(g["VpcAttachments"]).Any())).ToList();
        if (unplaced.Count > 0)
            foreach (var rt in await Calls.RouteTablesNaming(c, unplaced).ConfigureAwait(false) ?? new())
                if (Str(rt["VpcId"]) is { } rv) pending.TryAdd(rv, session);
        File(Documents, c, "InternetGateways", igwTask.Result);
        File(Documents, c, "VpnGateways", vgwTask.Result);
        File(Documents, c, "TransitGatewayAttachments", attTask.Result);
        foreach (var g in igwTask.Result ?? new()) foreach (var a in Objects(g["Attachments"])) if (Str(a["VpcId"]) is { } v) pending.TryAdd(v, session);
        foreach (var g in vgwTask.Result ?? new()) foreach (var a in Objects(g["VpcAttachments"])) if (Str(a["VpcId"]) is { } v) pending.TryAdd(v, session);
        foreach (var a in attTask.Result ?? new())
        {
            if (Str(a["TransitGatewayId"]) is { } tgw) lock (_gate) _pendingTgws.TryAdd(tgw, session);
            if (Str(a["ResourceType"]) == "vpc" && Str(a["ResourceId"]) is { } v) pending.TryAdd(v, SessionFor(Str(a["ResourceOwnerId"]), session));
        }
    }

    /// <summary>RFC 1918, RFC 6598 (shared address space) and link-local: addresses an interface holds privately.</summary>
    private static bool IsPrivateV4(IpAddress a) =>
        new[] { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16" }.Any(t => Cidr.TryParse(t, out var c, out _) && c.Contains(a));

    private static IEnumerable<string> PublicAddresses(JsonObject eni) =>
        new[] { eni["Association"] is JsonObject a ? Str(a["PublicIp"]) : null }
            .Concat(Objects(eni["PrivateIpAddresses"]).Select(p => p["Association"] is JsonObject pa ? Str(pa["PublicIp"]) : null))
            .OfType<string>();

    private static Func<JsonObject, bool> HasPublicAddress(IReadOnlyCollection<string> addresses)
    {
        var set = addresses.ToHashSet(StringComparer.Ordinal);
        return eni => PublicAddresses(eni).Any(set.Contains);
    }

    private static Func<JsonObject, bool> HasAddress(IReadOnlyCollection<string> addresses)
    {
        var set = addresses.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return eni => Addresses(eni).Any(set.Contains);
    }

    private static IEnumerable<string> Addresses(JsonObject o) =>
        new[] { Str(o["PrivateIpAddress"]) }
            .Concat(Objects(o["PrivateIpAddresses"]).Select(p => Str(p["PrivateIpAddress"])))
            .Concat(Objects(o["Ipv6Addresses"]).Select(p => Str(p["Ipv6Address"])))
            .OfType<string>();

    private void AddAddresses(JsonObject o)
    {
        foreach (var text in Addresses(o))
            if (IpAddress.TryParse(text, out var ip) && !_endpointAddresses.Contains(ip)) _endpointAddresses.Add(ip);
    }

    // ---- VPCs -------------------------------------------------------------------------------------------------------

    private async Task ReadVpcsAsync(Dictionary<string, AwsSession> pending)
    {
        var groups = pending.Where(kv => _fullVpcs.Add(kv.Key)).GroupBy(kv => kv.Value, kv => kv.Key).ToList();
        await Task.WhenAll(groups.Select(g => ReadVpcGroupAsync(g.Key, g.ToList()))).ConfigureAwait(false);
    }

    private async Task ReadVpcGroupAsync(AwsSession session, IReadOnlyCollection<string> vpcIds)
    {
        var c = Caller(session);
        var vpcs = Calls.Vpcs(c, vpcIds);
        var subnets = Calls.Subnets(c, vpcIds, essential: true);
        var routeTables = Calls.RouteTables(c, vpcIds);
        var acls = Calls.NetworkAcls(c, vpcIds);
        var groups = Calls.SecurityGroups(c, vpcIds);
        var enis = Calls.NetworkInterfaces(c, "vpc-id", vpcIds, Ec2Caller.PropertyIn("VpcId", vpcIds), essential: false);
        var attachments = Calls.VpcAttachments(c, vpcIds);
        await Task.WhenAll(vpcs, subnets, routeTables, acls, groups, enis, attachments).ConfigureAwait(false);
        File(Documents, c, "Vpcs", vpcs.Result);
        File(Documents, c, "Subnets", subnets.Result);
        File(Documents, c, "RouteTables", routeTables.Result);
        File(Documents, c, "NetworkAcls", acls.Result);
        File(Documents, c, "SecurityGroups", groups.Result);
        File(Documents, c, "NetworkInterfaces", enis.Result);
        File(Documents, c, "TransitGatewayVpcAttachments", attachments.Result);

        await ReadGatewaysAsync(c, vpcIds, routeTables.Result ?? new(), enis.Result ?? new()).ConfigureAwait(false);
        // R-BPA-1: Block Public Access decides every internet-gateway and egress-only-gateway crossing; read once per
        // session and region, only when these VPCs route to one.
        var targets = RouteTargets(routeTables.Result ?? new());
        if ((targets["igw"].Count > 0 || targets["eigw"].Count > 0) && _blockPublicAccessRead.TryAdd((session, c.Region), true))
            await NewestCalls.ReadBlockPublicAccessAsync(Documents, c).ConfigureAwait(false);

        lock (_gate)
        {
            foreach (var tgw in TransitGatewaysNamedBy(routeTables.Result ?? new(), attachments.Result ?? new()))
                if (!_tgwSession.ContainsKey(tgw)) _pendingTgws.TryAdd(tgw, session);
            foreach (var pl in PrefixListsNamedBy(routeTables.Result ?? new(), groups.Result ?? new()))
                if (!_prefixListsRead.Contains(pl)) _pendingPrefixLists.TryAdd(pl, session);
        }
    }

    /// <summary>
    /// The gateways and peering connections the route tables of these VPCs name (none in a VPC that only routes locally
    /// and to a TGW, so those cost no call), the VPC endpoints when any interface is an endpoint's, and the Elastic IPs
    /// when an internet or NAT gateway is on a route. A peer VPC that holds an endpoint address is read next round.
    /// </summary>
    private async Task ReadGatewaysAsync(Ec2Caller c, IReadOnlyCollection<string> vpcIds, IReadOnlyList<JsonObject> routeTables, IReadOnlyList<JsonObject> enis)
    {
        var targets = RouteTargets(routeTables);
        var endpointEnis = enis.Any(e => Str(e["InterfaceType"]) is "vpc_endpoint" or "gateway_load_balancer_endpoint");
        Task<List<JsonObject>?> None() => Task.FromResult<List<JsonObject>?>(null);
        var igw = targets["igw"].Count > 0 ? Calls.InternetGatewaysById(c, targets["igw"]) : None();
        var eigw = targets["eigw"].Count > 0 ? Calls.EgressOnlyInternetGatewaysById(c, targets["eigw"]) : None();
        var nat = targets["nat"].Count > 0 ? Calls.NatGatewaysById(c, targets["nat"]) : None();
        var pcx = targets["pcx"].Count > 0 ? Calls.VpcPeeringConnectionsById(c, targets["pcx"]) : None();
        var vgw = targets["vgw"].Count > 0 ? Calls.VpnGatewaysById(c, targets["vgw"]) : None();
        var vpn = targets["vgw"].Count > 0 ? Calls.VpnConnectionsOfGateways(c, targets["vgw"]) : None();
        var vpce = targets["vpce"].Count > 0 || endpointEnis ? Calls.VpcEndpointsOfVpcs(c, vpcIds) : None();
        var eips = targets["igw"].Count > 0 || targets["nat"].Count > 0 ? Calls.Addresses(c) : None();
        await Task.WhenAll(igw, eigw, nat, pcx, vgw, vpn, vpce, eips).ConfigureAwait(false);
        File(Documents, c, "VpnConnections", vpn.Result);
        File(Documents, c, "InternetGateways", igw.Result);
        File(Documents, c, "EgressOnlyInternetGateways", eigw.Result);
        File(Documents, c, "NatGateways", nat.Result);
        File(Documents, c, "VpcPeeringConnections", pcx.Result);
        File(Documents, c, "VpnGateways", vgw.Result);
        File(Documents, c, "VpcEndpoints", vpce.Result);
        File(Documents, c, "Addresses", eips.Result);

        // Peering: the other side's VPC is read when it holds an address of the walk (R-PCX: its route tables decide there).
        foreach (var p in pcx.Result ?? new())
            foreach (var side in new[] { "RequesterVpcInfo", "AccepterVpcInfo" })
            {
                if (p[side] is not JsonObject info || Str(info["VpcId"]) is not { } vpc || vpcIds.Contains(vpc)) continue;
                // The other side may be in another account and region: read it with that account's session, in its region
                // (which also lets endpoints not found in the caller's region be looked up there).
                var sideSession = InRegion(SessionFor(Str(info["OwnerId"]), c.Session), Str(info["Region"]));
                var cidrs = new[] { Str(info["CidrBlock"]) }.Concat(Objects(info["CidrBlockSet"]).Select(x => Str(x["CidrBlock"])))
                    .Concat(Objects(info["Ipv6CidrBlockSet"]).Select(x => Str(x["Ipv6CidrBlock"]))).OfType<string>();
                bool holds = cidrs.Any(t => Cidr.TryParse(t, out var cidr, out _) && _endpointAddresses.Any(cidr.Contains));
                if (holds) lock (_gate) _pendingVpcs.TryAdd(vpc, sideSession);
            }
    }

    // ---- transit gateways and prefix lists ----------------------------------------------------------------------

    private async Task ReadTransitGatewaysAndPrefixListsAsync()
    {
        var tgws = _pendingTgws;
        var lists = _pendingPrefixLists;
        _pendingTgws = new(StringComparer.Ordinal);
        _pendingPrefixLists = new(StringComparer.Ordinal);
        var work = new List<Task>();
        foreach (var g in tgws.GroupBy(kv => kv.Value, kv => kv.Key))
            work.Add(ReadTransitGatewayGroupAsync(g.Key, g.ToList()));
        foreach (var g in lists.Where(kv => _prefixListsRead.Add(kv.Key)).GroupBy(kv => kv.Value, kv => kv.Key))
            work.Add(ReadPrefixListsAsync(g.Key, g.ToList()));
        await Task.WhenAll(work).ConfigureAwait(false);
    }

    private async Task ReadTransitGatewayGroupAsync(AwsSession discoveredBy, IReadOnlyCollection<string> tgwIds)
    {
        var c = Caller(discoveredBy);
        if (Sessions.Count == 1)
        {
            // One account: the three reads are independent.
            var tgws = Calls.TransitGateways(c, tgwIds);
            var attachments = Calls.Attachments(c, tgwIds);
            var tables = Calls.TgwRouteTables(c, tgwIds);
            await Task.WhenAll(tgws, attachments, tables).ConfigureAwait(false);
            File(Documents, c, "TransitGateways", tgws.Result);
            File(Documents, c, "TransitGatewayAttachments", attachments.Result);
            File(Documents, c, "TransitGatewayRouteTables", tables.Result);
            lock (_gate) foreach (var id in tgwIds) _tgwSession[id] = discoveredBy;
            await Task.WhenAll(ReadAttachmentEdgesAsync(c, tgwIds, attachments.Result),
                NewestCalls.ReadPolicyTablesAsync(Documents, c, tgwIds, attachments.Result)).ConfigureAwait(false);
            return;
        }

        // Several accounts: a shared TGW is described to every participant, but only its owner sees its attachments
        // and route tables. Learn the owner first, then read with the owner's session.
        var described = await Calls.TransitGateways(c, tgwIds).ConfigureAwait(false);
        File(Documents, c, "TransitGateways", described);
        var byOwner = tgwIds.GroupBy(id => SessionFor(Str(described?.FirstOrDefault(t => Str(t["TransitGatewayId"]) == id)?["OwnerId"]), discoveredBy));
        await Task.WhenAll(byOwner.Select(async g =>
        {
            var owner = Caller(g.Key);
            var ids = g.ToList();
            lock (_gate) foreach (var id in ids) _tgwSession[id] = g.Key;
            var attachments = Calls.Attachments(owner, ids);
            var tables = Calls.TgwRouteTables(owner, ids);
            await Task.WhenAll(attachments, tables).ConfigureAwait(false);
            File(Documents, owner, "TransitGatewayAttachments", attachments.Result);
            File(Documents, owner, "TransitGatewayRouteTables", tables.Result);
            await Task.WhenAll(ReadAttachmentEdgesAsync(owner, ids, attachments.Result),
                NewestCalls.ReadPolicyTablesAsync(Documents, owner, ids, attachments.Result)).ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    /// <summary>Peering and VPN attachments of these TGWs: their other ends (no call when there are none).</summary>
    private async Task ReadAttachmentEdgesAsync(Ec2Caller c, IReadOnlyCollection<string> tgwIds, IReadOnlyList<JsonObject>? attachments)
    {
        if (attachments is null) return;
        var vpns = attachments.Where(a => Str(a["ResourceType"]) == "vpn").Select(a => Str(a["ResourceId"])).OfType<string>().Distinct().ToList();
        var peering = attachments.Any(a => Str(a["ResourceType"]) == "peering");
        var vpnTask = vpns.Count > 0 ? Calls.VpnConnectionsById(c, vpns) : Task.FromResult<List<JsonObject>?>(null);
        var peeringTask = peering ? Calls.TgwPeeringAttachments(c, tgwIds) : Task.FromResult<List<JsonObject>?>(null);
        await Task.WhenAll(vpnTask, peeringTask).ConfigureAwait(false);
        File(Documents, c, "VpnConnections", vpnTask.Result);
        File(Documents, c, "TransitGatewayPeeringAttachments", peeringTask.Result);
        // The other TGW of a peering in this region is read too: the walk arrives there on the peering attachment.
        lock (_gate)
            foreach (var p in peeringTask.Result ?? new())
                foreach (var side in new[] { "RequesterTgwInfo", "AccepterTgwInfo" })
                    if (p[side] is JsonObject info && Str(info["TransitGatewayId"]) is { } tgw && !_tgwSession.ContainsKey(tgw))
                        _pendingTgws.TryAdd(tgw, InRegion(SessionFor(Str(info["OwnerId"]), c.Session), Str(info["Region"])));
    }

    private readonly Dictionary<(AwsSession, string), AwsSession> _regionSessions = new();

    /// <summary>The same identity in another region, for the far end of a TGW peering (made once per region).</summary>
    private AwsSession InRegion(AwsSession session, string? region)
    {
        if (region is null || region == session.Region.SystemName) return session;
        lock (_gate)
        {
            if (!_regionSessions.TryGetValue((session, region), out var other))
            {
                _regionSessions[(session, region)] = other = session.InRegion(Amazon.RegionEndpoint.GetBySystemName(region), "the region of a TGW peering attachment's other end");
                _newRegionSessions.Add(other);
            }
            return other;
        }
    }

    private readonly List<AwsSession> _newRegionSessions = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(AwsSession, string), bool> _blockPublicAccessRead = new();
    private List<string> _unresolvedEndpoints = new();

    private async Task ReadPrefixListsAsync(AwsSession session, IReadOnlyCollection<string> ids)
    {
        var c = Caller(session);
        var lists = await Calls.PrefixLists(c, ids).ConfigureAwait(false);
        File(Documents, c, "PrefixLists", lists);
        if (lists is null) return;
        var entries = await Task.WhenAll(lists.Select(l => Str(l["PrefixListId"])).OfType<string>().Select(id => Calls.PrefixListEntries(c, id))).ConfigureAwait(false);
        foreach (var e in entries) File(Documents, c, "PrefixListEntries", e);
    }

    // ---- TGW route tables -------------------------------------------------------------------------------------------

    /// <summary>The route tables associated with the attachments of the VPCs read so far: where the walk arrives.</summary>
    private async Task ReadTgwRouteTablesAsync()
    {
        var wanted = new List<(string RouteTableId, AwsSession Session)>();
        foreach (var att in Documents.Items("TransitGatewayAttachments"))
        {
            // Where the walk arrives: attachments of the VPCs read, peering attachments (from the other TGW) and edges.
            var type = Str(att["ResourceType"]);
            // Edges (VPN, Direct Connect, Connect) too: a reply from beyond them arrives there.
            if (type == "vpc" && !(Str(att["ResourceId"]) is { } vpc && _fullVpcs.Contains(vpc))) continue;
            if (att["Association"] is not JsonObject assoc || Str(assoc["TransitGatewayRouteTableId"]) is not { } rt) continue;
            if (!_tgwRouteTablesRead.Add(rt)) continue;
            var tgw = Str(att["TransitGatewayId"]) ?? "";
            wanted.Add((rt, _tgwSession.TryGetValue(tgw, out var s) ? s : Sessions[0]));
        }
        // R-TGW-22: an attachment associated with a policy table is routed by the tables its rules name.
        foreach (var (rt, tgw) in NewestCalls.PolicyTargets(Documents))
            if (_tgwRouteTablesRead.Add(rt))
                wanted.Add((rt, tgw is not null && _tgwSession.TryGetValue(tgw, out var s) ? s : Sessions[0]));
        await Task.WhenAll(wanted.Select(async w =>
        {
            var c = Caller(w.Session);
            var routes = Calls.StaticRoutes(c, _context, w.RouteTableId);
            var propagations = Calls.Propagations(c, w.RouteTableId);
            var references = await MayHavePrefixListReferencesAsync(c).ConfigureAwait(false)
                ? Calls.PrefixListReferences(c, w.RouteTableId) : Task.FromResult<List<JsonObject>?>(new List<JsonObject>());
            await Task.WhenAll(routes, propagations, references).ConfigureAwait(false);
            File(Documents, c, "TransitGatewayStaticRoutes", routes.Result);
            File(Documents, c, "TransitGatewayPropagations", propagations.Result);
            File(Documents, c, "TransitGatewayPrefixListReferences", references.Result);
            lock (_gate)
                foreach (var pl in (references.Result ?? new()).Select(r => Str(r["PrefixListId"])).OfType<string>())
                    if (!_prefixListsRead.Contains(pl)) _pendingPrefixLists.TryAdd(pl, w.Session);
        })).ConfigureAwait(false);
    }

    private readonly Dictionary<AwsSession, Task<bool>> _customerPrefixLists = new();

    /// <summary>
    /// A TGW prefix-list reference names a customer-managed prefix list; an account that sees none (one
    /// DescribeManagedPrefixLists call, cached per session) has no references to read, which saves a call per TGW route
    /// table. When that call is refused, references are read anyway.
    /// </summary>
    private Task<bool> MayHavePrefixListReferencesAsync(Ec2Caller c)
    {
        lock (_gate)
        {
            if (!_customerPrefixLists.TryGetValue(c.Session, out var task))
                _customerPrefixLists[c.Session] = task = Check();
            return task;
        }

        async Task<bool> Check()
        {
            var lists = await c.PagesAsync("DescribeManagedPrefixLists", "CustomerPrefixLists", "all",
                (token, ct) => c.Client.DescribeManagedPrefixListsAsync(new Amazon.EC2.Model.DescribeManagedPrefixListsRequest { NextToken = token }, ct),
                r => r.PrefixLists, r => r.NextToken).ConfigureAwait(false);
            return lists is null || lists.Any(l => Str(l["OwnerId"]) is not "AWS");
        }
    }

    /// <summary>
    /// The VPCs TGW routes lead to for the endpoints' addresses: static routes whose CIDR holds an endpoint address, and
    /// enabled VPC propagations whose VPC's CIDRs hold one (those VPCs' CIDRs are read first where unknown).
    /// </summary>
    private async Task<Dictionary<string, AwsSession>> FollowTgwRoutesAsync()
    {
        // A peering attachment appears once per TGW side; the VPC attachments followed here appear once.
        var attachments = Documents.Items("TransitGatewayAttachments").GroupBy(a => Str(a["TransitGatewayAttachmentId"]) ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var propagations = Documents.Items("TransitGatewayPropagations").SelectMany(p => Objects(p["TransitGatewayRouteTablePropagations"]))
            .Where(p => Str(p["ResourceType"]) == "vpc" && Str(p["State"]) is null or "enabled").ToList();

        // CIDRs of propagating VPCs we have not read: one DescribeVpcs per owning session.
        var knownVpcs = Documents.Items("Vpcs").Select(v => Str(v["VpcId"])).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var light = propagations.Select(p => (Vpc: Str(p["ResourceId"]), Attachment: Str(p["TransitGatewayAttachmentId"])))
            .Where(x => x.Vpc is not null && !knownVpcs.Contains(x.Vpc))
            .GroupBy(x => OwnerSession(x.Attachment, attachments), x => x.Vpc!)
            .ToList();
        await Task.WhenAll(light.Select(async g =>
        {
            var c = Caller(g.Key);
            File(Documents, c, "Vpcs", await Calls.Vpcs(c, g.Distinct().ToList()).ConfigureAwait(false));
        })).ConfigureAwait(false);

        var cidrs = Documents.Items("Vpcs").ToDictionary(v => Str(v["VpcId"]) ?? "", VpcCidrs, StringComparer.Ordinal);
        var targets = new List<string>();
        foreach (var table in Documents.Items("TransitGatewayStaticRoutes"))
            foreach (var route in Objects(table["Routes"]))
                if (Cidr.TryParse(Str(route["DestinationCidrBlock"]) ?? "", out var c, out _) && _endpointAddresses.Any(c.Contains))
                    targets.AddRange(Objects(route["TransitGatewayAttachments"]).Select(t => Str(t["TransitGatewayAttachmentId"])).OfType<string>());
        foreach (var p in propagations)
            if (Str(p["ResourceId"]) is { } vpc && cidrs.TryGetValue(vpc, out var list) && list.Any(c => _endpointAddresses.Any(c.Contains)))
                targets.Add(Str(p["TransitGatewayAttachmentId"]) ?? "");
        // Prefix-list references route too (R-TGW-17): follow those whose list holds an endpoint address.
        var entries = Documents.Items("PrefixListEntries").GroupBy(e => Str(e["PrefixListId"]) ?? "")
            .ToDictionary(g => g.Key, g => g.SelectMany(e => Objects(e["Entries"])).Select(x => Str(x["Cidr"])).OfType<string>().ToList(), StringComparer.Ordinal);
        foreach (var reference in Documents.Items("TransitGatewayPrefixListReferences"))
            if (Str(reference["PrefixListId"]) is { } pl && entries.TryGetValue(pl, out var texts)
                && texts.Any(t => Cidr.TryParse(t, out var c, out _) && _endpointAddresses.Any(c.Contains))
                && reference["TransitGatewayAttachment"] is JsonObject target && Str(target["TransitGatewayAttachmentId"]) is { } att)
                targets.Add(att);

        var pending = new Dictionary<string, AwsSession>(StringComparer.Ordinal);
        foreach (var id in targets.Distinct())
        {
            if (!attachments.TryGetValue(id, out var att) || Str(att["ResourceType"]) != "vpc" || Str(att["ResourceId"]) is not { } vpc) continue;
            if (_fullVpcs.Contains(vpc)) continue;
            pending.TryAdd(vpc, OwnerSession(id, attachments));
        }
        return pending;
    }

    private AwsSession OwnerSession(string? attachmentId, Dictionary<string, JsonObject> attachments)
    {
        if (attachmentId is null || !attachments.TryGetValue(attachmentId, out var att)) return Sessions[0];
        var tgwSession = _tgwSession.TryGetValue(Str(att["TransitGatewayId"]) ?? "", out var s) ? s : Sessions[0];
        return SessionFor(Str(att["ResourceOwnerId"]), tgwSession);
    }

    private static IReadOnlyList<Cidr> VpcCidrs(JsonObject vpc)
    {
        var texts = new[] { Str(vpc["CidrBlock"]) }
            .Concat(Objects(vpc["CidrBlockAssociationSet"]).Select(a => Str(a["CidrBlock"])))
            .Concat(Objects(vpc["Ipv6CidrBlockAssociationSet"]).Select(a => Str(a["Ipv6CidrBlock"])));
        var list = new List<Cidr>();
        foreach (var t in texts.OfType<string>())
            if (Cidr.TryParse(t, out var c, out _) && !list.Contains(c)) list.Add(c);
        return list;
    }
}
