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
        for (int round = 1; pendingVpcs.Count > 0 || _pendingTgws.Count > 0; round++)
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
        }
    }

    // ---- round 0: the endpoints -----------------------------------------------------------------------------------

    private async Task<Dictionary<string, AwsSession>> ResolveEndpointsAsync(IReadOnlyCollection<string> endpoints)
    {
        var (instances, enis, addresses) = Classify(endpoints);
        _endpointAddresses.AddRange(addresses);
        var pending = new Dictionary<string, AwsSession>(StringComparer.Ordinal);
        var openInstances = instances.ToHashSet(StringComparer.Ordinal);
        var openEnis = enis.ToHashSet(StringComparer.Ordinal);
        var openV4 = addresses.Where(a => !a.IsV6).Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
        var openV6 = addresses.Where(a => a.IsV6).Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);

        foreach (var session in Sessions)
        {
            if (openInstances.Count + openEnis.Count + openV4.Count + openV6.Count == 0) break;
            var c = Caller(session);
            var instanceTask = openInstances.Count > 0 ? Calls.Instances(c, "instance-id", openInstances.ToList(), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            var eniTask = openEnis.Count > 0 ? Calls.NetworkInterfaces(c, "network-interface-id", openEnis.ToList(), Ec2Caller.PropertyIn("NetworkInterfaceId", openEnis.ToList()), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            var v4Task = openV4.Count > 0 ? Calls.NetworkInterfaces(c, "addresses.private-ip-address", openV4.ToList(), HasAddress(openV4.ToList()), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            var v6Task = openV6.Count > 0 ? Calls.NetworkInterfaces(c, "ipv6-addresses.ipv6-address", openV6.ToList(), HasAddress(openV6.ToList()), essential: true) : Task.FromResult<List<JsonObject>?>(null);
            await Task.WhenAll(instanceTask, eniTask, v4Task, v6Task).ConfigureAwait(false);

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
            foreach (var found in new[] { eniTask.Result, v4Task.Result, v6Task.Result })
            {
                if (found is null) continue;
                File(Documents, c, "NetworkInterfaces", found);
                foreach (var eni in found)
                {
                    openEnis.Remove(Str(eni["NetworkInterfaceId"]) ?? "");
                    foreach (var a in Addresses(eni)) { openV4.Remove(a); openV6.Remove(a); }
                    if (Str(eni["VpcId"]) is { } vpc) pending.TryAdd(vpc, session);
                    AddAddresses(eni);
                }
            }
        }
        if (openInstances.Count + openEnis.Count > 0)
            _context.Verbose($"Not found with any session: {string.Join(", ", openInstances.Concat(openEnis))}");
        return pending;
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

        lock (_gate)
        {
            foreach (var tgw in TransitGatewaysNamedBy(routeTables.Result ?? new(), attachments.Result ?? new()))
                if (!_tgwSession.ContainsKey(tgw)) _pendingTgws.TryAdd(tgw, session);
            foreach (var pl in PrefixListsNamedBy(routeTables.Result ?? new(), groups.Result ?? new()))
                if (!_prefixListsRead.Contains(pl)) _pendingPrefixLists.TryAdd(pl, session);
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
        })).ConfigureAwait(false);
    }

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
            if (Str(att["ResourceType"]) != "vpc" || Str(att["ResourceId"]) is not { } vpc || !_fullVpcs.Contains(vpc)) continue;
            if (att["Association"] is not JsonObject assoc || Str(assoc["TransitGatewayRouteTableId"]) is not { } rt) continue;
            if (!_tgwRouteTablesRead.Add(rt)) continue;
            var tgw = Str(att["TransitGatewayId"]) ?? "";
            wanted.Add((rt, _tgwSession.TryGetValue(tgw, out var s) ? s : Sessions[0]));
        }
        await Task.WhenAll(wanted.Select(async w =>
        {
            var c = Caller(w.Session);
            var routes = Calls.StaticRoutes(c, _context, w.RouteTableId);
            var propagations = Calls.Propagations(c, w.RouteTableId);
            await Task.WhenAll(routes, propagations).ConfigureAwait(false);
            File(Documents, c, "TransitGatewayStaticRoutes", routes.Result);
            File(Documents, c, "TransitGatewayPropagations", propagations.Result);
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// The VPCs TGW routes lead to for the endpoints' addresses: static routes whose CIDR holds an endpoint address, and
    /// enabled VPC propagations whose VPC's CIDRs hold one (those VPCs' CIDRs are read first where unknown).
    /// </summary>
    private async Task<Dictionary<string, AwsSession>> FollowTgwRoutesAsync()
    {
        var attachments = Documents.Items("TransitGatewayAttachments").ToDictionary(a => Str(a["TransitGatewayAttachmentId"]) ?? "", StringComparer.Ordinal);
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
