using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Aws;

/// <summary>
/// Reads live EC2 state with read-only calls (Describe*, Get*, Search*) into CLI-shaped documents.
/// <see cref="ReadForWalkAsync"/> fetches only what a walk between given endpoints needs, following references from the
/// endpoints outwards: instance/ENI → VPC (subnets, route tables, NACLs, security groups, ENIs, TGW attachments, in
/// one batched call per kind for all VPCs of a round) → transit gateways (attachments, route tables) → the route tables
/// associated with the attachments of those VPCs (static routes, propagations) → the VPCs those routes lead to for the
/// endpoints' addresses → … until nothing new turns up. Independent calls run concurrently; every call pages to the end.
/// <see cref="ReadScopeAsync"/> reads whole VPCs (or all of a region) for a snapshot export.
/// With several sessions (-AssumeRoleArn), each VPC and transit gateway is read with the session of the account that
/// owns it, so a walk through a TGW shared from a network account reads every account it crosses.
/// </summary>
public sealed class LiveEstateReader
{
    private const int MaxRounds = 8;

    private readonly IReadOnlyList<AwsSession> _sessions;
    private readonly ILiveReadObserver? _observer;
    private readonly RequestLog _log;

    public LiveEstateReader(IReadOnlyList<AwsSession> sessions, ILiveReadObserver? observer = null, RequestLog? log = null)
    {
        if (sessions is null || sessions.Count == 0) throw new ArgumentException("At least one session is needed.", nameof(sessions));
        _sessions = sessions;
        _observer = observer;
        _log = log ?? new RequestLog();
    }

    public RequestLog Log => _log;

    // ==== walk scope =================================================================================================

    public async Task<LiveEstate> ReadForWalkAsync(IReadOnlyCollection<string> endpoints, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var context = new LiveReadContext(_observer, _log, cancellationToken);
        var run = new WalkRead(this, context);
        try
        {
            await run.RunAsync(endpoints).ConfigureAwait(false);
        }
        finally
        {
            run.Dispose();
        }
        context.Verbose($"Read what the walk needs in {context.ApiCalls} API call(s) ({_log.Sent.Count} HTTP request(s) including retries) in {watch.ElapsedMilliseconds} ms.");
        return new LiveEstate(run.Documents.ToDocuments(), context.Unreadable, context.ApiCalls, _log.Sent, context.Warnings, watch.Elapsed);
    }

    // ==== export scope ===============================================================================================

    /// <summary>
    /// Reads every VPC in <paramref name="vpcIds"/> (all VPCs of each session's region when null) with everything in
    /// them, the transit gateways they attach to (all of the region's when null) and their route tables, routes and
    /// propagations, and the prefix lists they name. Each session's account is learned with sts:GetCallerIdentity
    /// when its role ARN does not say it, so documents land under accounts/&lt;account&gt;/&lt;region&gt;.
    /// </summary>
    public async Task<LiveEstate> ReadScopeAsync(IReadOnlyCollection<string>? vpcIds, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var context = new LiveReadContext(_observer, _log, cancellationToken);
        var documents = new DocumentSet();
        foreach (var session in _sessions)
        {
            if (session.AccountId is null)
            {
                context.Started("GetCallerIdentity");
                try { session.AccountId = await AwsSessionFactory.CallerAccountAsync(session, _log, cancellationToken).ConfigureAwait(false); }
                catch (Amazon.Runtime.AmazonServiceException ex)
                {
                    throw new LiveReadException(LiveReadErrorIds.AuthenticationFailed, $"sts:GetCallerIdentity failed for {session.Describe()}: {ex.ErrorCode}: {ex.Message}", ex.ErrorCode, ex);
                }
                finally { context.Completed("GetCallerIdentity"); }
                context.Verbose($"STS GetCallerIdentity [{session.Describe()}]: account {session.AccountId}");
            }
            using var caller = new Ec2Caller(session, context);
            await new ScopeRead(caller, context, documents).RunAsync(vpcIds).ConfigureAwait(false);
        }
        context.Verbose($"Read the export scope in {context.ApiCalls} API call(s) ({_log.Sent.Count} HTTP request(s) including retries) in {watch.ElapsedMilliseconds} ms.");
        return new LiveEstate(documents.ToDocuments(), context.Unreadable, context.ApiCalls, _log.Sent, context.Warnings, watch.Elapsed);
    }

    // ==== the calls, one per kind ====================================================================================
    // Each reads one kind with a filter, re-applies the filter to the answer, and files the items under the
    // account and region of the session that read them.

    internal static class Calls
    {
        public static Task<List<JsonObject>?> Instances(Ec2Caller c, string filter, IReadOnlyCollection<string> values, bool essential) =>
            c.PagesAsync("DescribeInstances", ResourceKinds.Instances, Ec2Caller.Scope((filter, values)),
                (token, ct) => c.Client.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = Ec2Caller.Filters((filter, values)), NextToken = token }, ct),
                r => r.Reservations, r => r.NextToken, KeepInstances(filter, values), essential);

        public static Task<List<JsonObject>?> AllInstances(Ec2Caller c) =>
            c.PagesAsync("DescribeInstances", ResourceKinds.Instances, "all",
                (token, ct) => c.Client.DescribeInstancesAsync(new DescribeInstancesRequest { NextToken = token }, ct),
                r => r.Reservations, r => r.NextToken);

        /// <summary>Reservations keep only the instances the filter asked for; empty reservations go.</summary>
        private static Func<JsonObject, bool> KeepInstances(string filter, IReadOnlyCollection<string> values)
        {
            var property = filter == "instance-id" ? "InstanceId" : "VpcId";
            var set = values.ToHashSet(StringComparer.Ordinal);
            return reservation =>
            {
                if (reservation["Instances"] is not JsonArray instances) return false;
                foreach (var i in instances.OfType<JsonObject>().ToList())
                    if (!(i[property] is JsonValue v && v.TryGetValue<string>(out var s) && set.Contains(s)))
                        instances.Remove(i);
                return instances.Count > 0;
            };
        }

        public static Task<List<JsonObject>?> NetworkInterfaces(Ec2Caller c, string filter, IReadOnlyCollection<string> values, Func<JsonObject, bool> keep, bool essential) =>
            c.PagesAsync("DescribeNetworkInterfaces", ResourceKinds.NetworkInterfaces, Ec2Caller.Scope((filter, values)),
                (token, ct) => c.Client.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = Ec2Caller.Filters((filter, values)), NextToken = token }, ct),
                r => r.NetworkInterfaces, r => r.NextToken, keep, essential);

        public static Task<List<JsonObject>?> Vpcs(Ec2Caller c, IReadOnlyCollection<string>? vpcIds) =>
            c.PagesAsync("DescribeVpcs", ResourceKinds.Vpcs, vpcIds is null ? "all" : Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = vpcIds is null ? null : Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.Vpcs, r => r.NextToken, vpcIds is null ? null : Ec2Caller.PropertyIn("VpcId", vpcIds));

        public static Task<List<JsonObject>?> Subnets(Ec2Caller c, IReadOnlyCollection<string> vpcIds, bool essential) =>
            c.PagesAsync("DescribeSubnets", ResourceKinds.Subnets, Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.Subnets, r => r.NextToken, Ec2Caller.PropertyIn("VpcId", vpcIds), essential);

        public static Task<List<JsonObject>?> RouteTables(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeRouteTables", ResourceKinds.RouteTables, Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.RouteTables, r => r.NextToken, Ec2Caller.PropertyIn("VpcId", vpcIds));

        public static Task<List<JsonObject>?> NetworkAcls(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeNetworkAcls", ResourceKinds.NetworkAcls, Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeNetworkAclsAsync(new DescribeNetworkAclsRequest { Filters = Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.NetworkAcls, r => r.NextToken, Ec2Caller.PropertyIn("VpcId", vpcIds));

        public static Task<List<JsonObject>?> SecurityGroups(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeSecurityGroups", ResourceKinds.SecurityGroups, Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.SecurityGroups, r => r.NextToken, Ec2Caller.PropertyIn("VpcId", vpcIds));

        public static Task<List<JsonObject>?> VpcAttachments(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeTransitGatewayVpcAttachments", ResourceKinds.TransitGatewayVpcAttachments, Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeTransitGatewayVpcAttachmentsAsync(new DescribeTransitGatewayVpcAttachmentsRequest { Filters = Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.TransitGatewayVpcAttachments, r => r.NextToken, Ec2Caller.PropertyIn("VpcId", vpcIds));

        public static Task<List<JsonObject>?> TransitGateways(Ec2Caller c, IReadOnlyCollection<string>? tgwIds) =>
            c.PagesAsync("DescribeTransitGateways", ResourceKinds.TransitGateways, tgwIds is null ? "all" : Ec2Caller.Scope(("transit-gateway-id", tgwIds)),
                (token, ct) => c.Client.DescribeTransitGatewaysAsync(new DescribeTransitGatewaysRequest { Filters = tgwIds is null ? null : Ec2Caller.Filters(("transit-gateway-id", tgwIds)), NextToken = token }, ct),
                r => r.TransitGateways, r => r.NextToken, tgwIds is null ? null : Ec2Caller.PropertyIn("TransitGatewayId", tgwIds));

        public static Task<List<JsonObject>?> Attachments(Ec2Caller c, IReadOnlyCollection<string> tgwIds) =>
            c.PagesAsync("DescribeTransitGatewayAttachments", ResourceKinds.TransitGatewayAttachments, Ec2Caller.Scope(("transit-gateway-id", tgwIds)),
                (token, ct) => c.Client.DescribeTransitGatewayAttachmentsAsync(new DescribeTransitGatewayAttachmentsRequest { Filters = Ec2Caller.Filters(("transit-gateway-id", tgwIds)), NextToken = token }, ct),
                r => r.TransitGatewayAttachments, r => r.NextToken, Ec2Caller.PropertyIn("TransitGatewayId", tgwIds));

        public static Task<List<JsonObject>?> TgwRouteTables(Ec2Caller c, IReadOnlyCollection<string> tgwIds) =>
            c.PagesAsync("DescribeTransitGatewayRouteTables", ResourceKinds.TransitGatewayRouteTables, Ec2Caller.Scope(("transit-gateway-id", tgwIds)),
                (token, ct) => c.Client.DescribeTransitGatewayRouteTablesAsync(new DescribeTransitGatewayRouteTablesRequest { Filters = Ec2Caller.Filters(("transit-gateway-id", tgwIds)), NextToken = token }, ct),
                r => r.TransitGatewayRouteTables, r => r.NextToken, Ec2Caller.PropertyIn("TransitGatewayId", tgwIds));

        /// <summary>
        /// The routes (static and propagated, blackholes included) of one TGW route table. SearchTransitGatewayRoutes has no NextToken: it returns up
        /// to 1000 routes and says whether more exist; a table with more is recorded as not fully read, so the walk says Unknown there.
        /// </summary>
        public static async Task<JsonObject?> StaticRoutes(Ec2Caller c, LiveReadContext context, string routeTableId)
        {
            bool more = false;
            var routes = await c.PagesAsync("SearchTransitGatewayRoutes", ResourceKinds.TransitGatewayRoutes, $"transit-gateway-route-table-id={routeTableId}; state=active,blackhole,pending,deleting",
                async (token, ct) =>
                {
                    var r = await c.Client.SearchTransitGatewayRoutesAsync(new SearchTransitGatewayRoutesRequest
                    {
                        TransitGatewayRouteTableId = routeTableId,
                        // Static and propagated routes alike: routes learned over VPN (BGP) or Direct Connect exist only here.
                        Filters = Ec2Caller.Filters(("state", new[] { "active", "blackhole", "pending", "deleting" })),
                        // No MaxResults: AWS's default is already its maximum (1000), and moto 5.2.1 fails on the parameter.
                    }, ct).ConfigureAwait(false);
                    more = r.AdditionalRoutesAvailable == true;
                    return r;
                },
                r => r.Routes, _ => null, o => Str(o["State"]) is not "deleted", resourceId: routeTableId).ConfigureAwait(false);
            if (routes is null) return null;
            if (more)
                context.Refused(new UnreadableResource(ResourceKinds.TransitGatewayRoutes, "ec2:SearchTransitGatewayRoutes",
                    "more than 1000 static routes: SearchTransitGatewayRoutes cannot page past them", routeTableId, c.Session.AccountId));
            return new JsonObject
            {
                ["TransitGatewayRouteTableId"] = routeTableId,
                ["Routes"] = new JsonArray(routes.Select(r => (JsonNode)r).ToArray()),
                ["AdditionalRoutesAvailable"] = more,
            };
        }

        public static async Task<JsonObject?> Propagations(Ec2Caller c, string routeTableId)
        {
            var items = await c.PagesAsync("GetTransitGatewayRouteTablePropagations", ResourceKinds.TransitGatewayPropagations, $"transit-gateway-route-table-id={routeTableId}",
                (token, ct) => c.Client.GetTransitGatewayRouteTablePropagationsAsync(new GetTransitGatewayRouteTablePropagationsRequest { TransitGatewayRouteTableId = routeTableId, NextToken = token }, ct),
                r => r.TransitGatewayRouteTablePropagations, r => r.NextToken, resourceId: routeTableId).ConfigureAwait(false);
            if (items is null) return null;
            return new JsonObject
            {
                ["TransitGatewayRouteTableId"] = routeTableId,
                ["TransitGatewayRouteTablePropagations"] = new JsonArray(items.Select(r => (JsonNode)r).ToArray()),
            };
        }

        public static Task<List<JsonObject>?> PrefixLists(Ec2Caller c, IReadOnlyCollection<string> ids) =>
            c.PagesAsync("DescribeManagedPrefixLists", ResourceKinds.PrefixLists, Ec2Caller.Scope(("prefix-list-id", ids)),
                (token, ct) => c.Client.DescribeManagedPrefixListsAsync(new DescribeManagedPrefixListsRequest { Filters = Ec2Caller.Filters(("prefix-list-id", ids)), NextToken = token }, ct),
                r => r.PrefixLists, r => r.NextToken, Ec2Caller.PropertyIn("PrefixListId", ids));

        public static async Task<JsonObject?> PrefixListEntries(Ec2Caller c, string prefixListId)
        {
            var entries = await c.PagesAsync("GetManagedPrefixListEntries", ResourceKinds.PrefixLists, $"prefix-list-id={prefixListId}",
                (token, ct) => c.Client.GetManagedPrefixListEntriesAsync(new GetManagedPrefixListEntriesRequest { PrefixListId = prefixListId, NextToken = token }, ct),
                r => r.Entries, r => r.NextToken, resourceId: prefixListId).ConfigureAwait(false);
            if (entries is null) return null;
            return new JsonObject { ["PrefixListId"] = prefixListId, ["Entries"] = new JsonArray(entries.Select(e => (JsonNode)e).ToArray()) };
        }

        public static Task<List<JsonObject>?> InternetGatewaysById(Ec2Caller c, IReadOnlyCollection<string> ids) =>
            c.PagesAsync("DescribeInternetGateways", "InternetGateways", Ec2Caller.Scope(("internet-gateway-id", ids)),
                (token, ct) => c.Client.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = Ec2Caller.Filters(("internet-gateway-id", ids)), NextToken = token }, ct),
                r => r.InternetGateways, r => r.NextToken, Ec2Caller.PropertyIn("InternetGatewayId", ids));

        public static Task<List<JsonObject>?> EgressOnlyInternetGatewaysById(Ec2Caller c, IReadOnlyCollection<string> ids) =>
            c.PagesAsync("DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways", Ec2Caller.Scope(("egress-only-internet-gateway-id", ids)),
                (token, ct) => c.Client.DescribeEgressOnlyInternetGatewaysAsync(new DescribeEgressOnlyInternetGatewaysRequest { EgressOnlyInternetGatewayIds = ids.ToList(), NextToken = token }, ct),
                r => r.EgressOnlyInternetGateways, r => r.NextToken, Ec2Caller.PropertyIn("EgressOnlyInternetGatewayId", ids));

        public static Task<List<JsonObject>?> NatGatewaysById(Ec2Caller c, IReadOnlyCollection<string> ids) =>
            c.PagesAsync("DescribeNatGateways", "NatGateways", Ec2Caller.Scope(("nat-gateway-id", ids)),
                (token, ct) => c.Client.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = Ec2Caller.Filters(("nat-gateway-id", ids)), NextToken = token }, ct),
                r => r.NatGateways, r => r.NextToken, Ec2Caller.PropertyIn("NatGatewayId", ids));

        public static Task<List<JsonObject>?> VpcPeeringConnectionsById(Ec2Caller c, IReadOnlyCollection<string> ids) =>
            c.PagesAsync("DescribeVpcPeeringConnections", "VpcPeeringConnections", Ec2Caller.Scope(("vpc-peering-connection-id", ids)),
                (token, ct) => c.Client.DescribeVpcPeeringConnectionsAsync(new DescribeVpcPeeringConnectionsRequest { Filters = Ec2Caller.Filters(("vpc-peering-connection-id", ids)), NextToken = token }, ct),
                r => r.VpcPeeringConnections, r => r.NextToken, Ec2Caller.PropertyIn("VpcPeeringConnectionId", ids));

        public static Task<List<JsonObject>?> VpnGatewaysById(Ec2Caller c, IReadOnlyCollection<string> ids) =>
            c.PagesAsync("DescribeVpnGateways", "VpnGateways", Ec2Caller.Scope(("vpn-gateway-id", ids)),
                (token, ct) => c.Client.DescribeVpnGatewaysAsync(new DescribeVpnGatewaysRequest { Filters = Ec2Caller.Filters(("vpn-gateway-id", ids)) }, ct),
                r => r.VpnGateways, _ => null, Ec2Caller.PropertyIn("VpnGatewayId", ids));

        public static Task<List<JsonObject>?> VpnGatewaysOfVpcs(Ec2Caller c, IReadOnlyCollection<string> vpcIds)
        {
            var set = vpcIds.ToHashSet(StringComparer.Ordinal);
            return c.PagesAsync("DescribeVpnGateways", "VpnGateways", Ec2Caller.Scope(("attachment.vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeVpnGatewaysAsync(new DescribeVpnGatewaysRequest { Filters = Ec2Caller.Filters(("attachment.vpc-id", vpcIds)) }, ct),
                r => r.VpnGateways, _ => null, o => Objects(o["VpcAttachments"]).Any(a => Str(a["VpcId"]) is { } v && set.Contains(v)));
        }

        public static Task<List<JsonObject>?> VpnConnectionsById(Ec2Caller c, IReadOnlyCollection<string> ids) =>
            c.PagesAsync("DescribeVpnConnections", "VpnConnections", Ec2Caller.Scope(("vpn-connection-id", ids)),
                (token, ct) => c.Client.DescribeVpnConnectionsAsync(new DescribeVpnConnectionsRequest { Filters = Ec2Caller.Filters(("vpn-connection-id", ids)) }, ct),
                r => r.VpnConnections, _ => null, Ec2Caller.PropertyIn("VpnConnectionId", ids));

        public static Task<List<JsonObject>?> VpnConnectionsOfGateways(Ec2Caller c, IReadOnlyCollection<string> vgwIds) =>
            c.PagesAsync("DescribeVpnConnections", "VpnConnections", Ec2Caller.Scope(("vpn-gateway-id", vgwIds)),
                (token, ct) => c.Client.DescribeVpnConnectionsAsync(new DescribeVpnConnectionsRequest { Filters = Ec2Caller.Filters(("vpn-gateway-id", vgwIds)) }, ct),
                r => r.VpnConnections, _ => null, Ec2Caller.PropertyIn("VpnGatewayId", vgwIds));

        /// <summary>Route tables that route to or are edge-associated with a gateway: where a gateway's VPC shows when the gateway itself does not.</summary>
        public static Task<List<JsonObject>?> RouteTablesNaming(Ec2Caller c, IReadOnlyCollection<string> gatewayIds) =>
            c.PagesAsync("DescribeRouteTables", ResourceKinds.RouteTables, Ec2Caller.Scope(("route.gateway-id", gatewayIds)),
                (token, ct) => c.Client.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = Ec2Caller.Filters(("route.gateway-id", gatewayIds)), NextToken = token }, ct),
                r => r.RouteTables, r => r.NextToken);

        public static Task<List<JsonObject>?> TgwPeeringAttachments(Ec2Caller c, IReadOnlyCollection<string> tgwIds) =>
            c.PagesAsync("DescribeTransitGatewayPeeringAttachments", "TransitGatewayPeeringAttachments", Ec2Caller.Scope(("transit-gateway-id", tgwIds)),
                (token, ct) => c.Client.DescribeTransitGatewayPeeringAttachmentsAsync(new DescribeTransitGatewayPeeringAttachmentsRequest { Filters = Ec2Caller.Filters(("transit-gateway-id", tgwIds)), NextToken = token }, ct),
                r => r.TransitGatewayPeeringAttachments, r => r.NextToken);

        public static Task<List<JsonObject>?> VpcEndpointsOfVpcs(Ec2Caller c, IReadOnlyCollection<string> vpcIds) => VpcEndpoints(c, vpcIds);

        /// <summary>Prefix-list references of one TGW route table: routes too (R-TGW-17), so a walk must read them.</summary>
        public static Task<List<JsonObject>?> PrefixListReferences(Ec2Caller c, string routeTableId) =>
            c.PagesAsync("GetTransitGatewayPrefixListReferences", ResourceKinds.TransitGatewayRoutes, $"transit-gateway-route-table-id={routeTableId}",
                (token, ct) => c.Client.GetTransitGatewayPrefixListReferencesAsync(new GetTransitGatewayPrefixListReferencesRequest { TransitGatewayRouteTableId = routeTableId, NextToken = token }, ct),
                r => r.TransitGatewayPrefixListReferences, r => r.NextToken, resourceId: routeTableId);

        public static Task<List<JsonObject>?> InternetGateways(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeInternetGateways", "InternetGateways", Ec2Caller.Scope(("attachment.vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = Ec2Caller.Filters(("attachment.vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.InternetGateways, r => r.NextToken, AttachedTo(vpcIds));

        public static Task<List<JsonObject>?> EgressOnlyInternetGateways(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways", "all",
                (token, ct) => c.Client.DescribeEgressOnlyInternetGatewaysAsync(new DescribeEgressOnlyInternetGatewaysRequest { NextToken = token }, ct),
                r => r.EgressOnlyInternetGateways, r => r.NextToken, AttachedTo(vpcIds));

        private static Func<JsonObject, bool> AttachedTo(IReadOnlyCollection<string> vpcIds)
        {
            var set = vpcIds.ToHashSet(StringComparer.Ordinal);
            return o => o["Attachments"] is JsonArray a && a.OfType<JsonObject>().Any(x => x["VpcId"] is JsonValue v && v.TryGetValue<string>(out var s) && set.Contains(s));
        }

        public static Task<List<JsonObject>?> NatGateways(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeNatGateways", "NatGateways", Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.NatGateways, r => r.NextToken, Ec2Caller.PropertyIn("VpcId", vpcIds));

        public static Task<List<JsonObject>?> VpcEndpoints(Ec2Caller c, IReadOnlyCollection<string> vpcIds) =>
            c.PagesAsync("DescribeVpcEndpoints", "VpcEndpoints", Ec2Caller.Scope(("vpc-id", vpcIds)),
                (token, ct) => c.Client.DescribeVpcEndpointsAsync(new DescribeVpcEndpointsRequest { Filters = Ec2Caller.Filters(("vpc-id", vpcIds)), NextToken = token }, ct),
                r => r.VpcEndpoints, r => r.NextToken, Ec2Caller.PropertyIn("VpcId", vpcIds));

        public static Task<List<JsonObject>?> VpcPeeringConnections(Ec2Caller c, IReadOnlyCollection<string> vpcIds)
        {
            var set = vpcIds.ToHashSet(StringComparer.Ordinal);
            bool Side(JsonObject o, string side) => o[side] is JsonObject info && info["VpcId"] is JsonValue v && v.TryGetValue<string>(out var s) && set.Contains(s);
            return c.PagesAsync("DescribeVpcPeeringConnections", "VpcPeeringConnections", "all",
                (token, ct) => c.Client.DescribeVpcPeeringConnectionsAsync(new DescribeVpcPeeringConnectionsRequest { NextToken = token }, ct),
                r => r.VpcPeeringConnections, r => r.NextToken, o => Side(o, "RequesterVpcInfo") || Side(o, "AccepterVpcInfo"));
        }

        public static Task<List<JsonObject>?> Addresses(Ec2Caller c) =>
            c.PagesAsync("DescribeAddresses", "Addresses", "all",
                (token, ct) => c.Client.DescribeAddressesAsync(new DescribeAddressesRequest(), ct),
                r => r.Addresses, _ => null);
    }

    // ==== helpers shared by both reads ===============================================================================

    internal static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    internal static IEnumerable<JsonObject> Objects(JsonNode? node) => node is JsonArray a ? a.OfType<JsonObject>() : Enumerable.Empty<JsonObject>();

    /// <summary>TGW ids a route table or VPC attachment names.</summary>
    internal static IEnumerable<string> TransitGatewaysNamedBy(IEnumerable<JsonObject> routeTables, IEnumerable<JsonObject> vpcAttachments) =>
        routeTables.SelectMany(rt => Objects(rt["Routes"])).Select(r => Str(r["TransitGatewayId"])).Concat(vpcAttachments.Select(a => Str(a["TransitGatewayId"])))
            .OfType<string>();

    /// <summary>Prefix lists named by routes and security-group rules.</summary>
    internal static IEnumerable<string> PrefixListsNamedBy(IEnumerable<JsonObject> routeTables, IEnumerable<JsonObject> groups) =>
        routeTables.SelectMany(rt => Objects(rt["Routes"])).Select(r => Str(r["DestinationPrefixListId"]))
            .Concat(groups.SelectMany(g => Objects(g["IpPermissions"]).Concat(Objects(g["IpPermissionsEgress"])))
                .SelectMany(p => Objects(p["PrefixListIds"])).Select(p => Str(p["PrefixListId"])))
            .OfType<string>();

    internal static readonly Dictionary<string, (string FileName, string? Id)> Kinds = new(StringComparer.Ordinal)
    {
        ["Reservations"] = ("Reservations.json", "ReservationId"),
        ["NetworkInterfaces"] = ("NetworkInterfaces.json", "NetworkInterfaceId"),
        ["Vpcs"] = ("Vpcs.json", "VpcId"),
        ["Subnets"] = ("Subnets.json", "SubnetId"),
        ["RouteTables"] = ("RouteTables.json", "RouteTableId"),
        ["NetworkAcls"] = ("NetworkAcls.json", "NetworkAclId"),
        ["SecurityGroups"] = ("SecurityGroups.json", "GroupId"),
        ["TransitGateways"] = ("TransitGateways.json", "TransitGatewayId"),
        // A peering attachment is listed by both TGWs, once per side: the side is part of the identity.
        ["TransitGatewayAttachments"] = ("TransitGatewayAttachments.json", "TransitGatewayAttachmentId|TransitGatewayId"),
        ["TransitGatewayVpcAttachments"] = ("TransitGatewayVpcAttachments.json", "TransitGatewayAttachmentId"),
        ["TransitGatewayRouteTables"] = ("TransitGatewayRouteTables.json", "TransitGatewayRouteTableId"),
        ["TransitGatewayStaticRoutes"] = ("TransitGatewayStaticRoutes.json", "TransitGatewayRouteTableId"),
        ["TransitGatewayPropagations"] = ("TransitGatewayPropagations.json", "TransitGatewayRouteTableId"),
        ["PrefixLists"] = ("ManagedPrefixLists.json", "PrefixListId"),
        ["PrefixListEntries"] = ("PrefixListEntries.json", "PrefixListId"),
        ["InternetGateways"] = ("InternetGateways.json", "InternetGatewayId"),
        ["EgressOnlyInternetGateways"] = ("EgressOnlyInternetGateways.json", "EgressOnlyInternetGatewayId"),
        ["NatGateways"] = ("NatGateways.json", "NatGatewayId"),
        ["VpcEndpoints"] = ("VpcEndpoints.json", "VpcEndpointId"),
        ["VpcPeeringConnections"] = ("VpcPeeringConnections.json", "VpcPeeringConnectionId"),
        ["Addresses"] = ("Addresses.json", null),
        ["VpnGateways"] = ("VpnGateways.json", "VpnGatewayId"),
        ["VpnConnections"] = ("VpnConnections.json", "VpnConnectionId"),
        ["TransitGatewayPeeringAttachments"] = ("TransitGatewayPeeringAttachments.json", "TransitGatewayAttachmentId"),
        ["TransitGatewayPrefixListReferences"] = ("TransitGatewayPrefixListReferences.json", null),
        ["TransitGatewayPolicyTables"] = ("TransitGatewayPolicyTables.json", "TransitGatewayPolicyTableId"),
        // Entries and associations are wrapped per policy table, like the TGW route files.
        ["TransitGatewayPolicyTableEntries"] = ("TransitGatewayPolicyTableEntries.json", "TransitGatewayPolicyTableId"),
        ["TransitGatewayPolicyTableAssociations"] = ("TransitGatewayPolicyTableAssociations.json", "TransitGatewayPolicyTableId"),
        ["VpcBlockPublicAccessOptions"] = ("VpcBlockPublicAccessOptions.json", "AwsAccountId|AwsRegion"),
        ["VpcBlockPublicAccessExclusions"] = ("VpcBlockPublicAccessExclusions.json", "ExclusionId"),
    };

    internal static void File(DocumentSet documents, Ec2Caller caller, string key, IEnumerable<JsonObject>? items)
    {
        if (items is null) return;   // refused: no file, the kind is recorded as unreadable
        var (file, id) = Kinds[key];
        documents.Add(caller.Session.AccountId, caller.Region, key, file, id, items);
        documents.Touch(caller.Session.AccountId, caller.Region, key, file);
    }

    internal static void File(DocumentSet documents, Ec2Caller caller, string key, JsonObject? item)
    {
        if (item is null) return;
        File(documents, caller, key, new[] { item });
    }

    /// <summary>The endpoint strings of a walk split by kind.</summary>
    internal static (List<string> Instances, List<string> Enis, List<IpAddress> Addresses, List<string> Edges) Classify(IEnumerable<string> endpoints)
    {
        var instances = new List<string>();
        var enis = new List<string>();
        var addresses = new List<IpAddress>();
        var edges = new List<string>();
        foreach (var raw in endpoints)
        {
            var e = raw.Trim();
            if (e.StartsWith("i-", StringComparison.Ordinal)) instances.Add(e);
            else if (e.StartsWith("eni-", StringComparison.Ordinal)) enis.Add(e);
            else if (e.StartsWith("igw-", StringComparison.Ordinal) || e.StartsWith("vgw-", StringComparison.Ordinal) || e.StartsWith("tgw-attach-", StringComparison.Ordinal)
                     || e.StartsWith("nat-", StringComparison.Ordinal)) edges.Add(e);
            else if (IpAddress.TryParse(e, out var ip)) addresses.Add(ip);
        }
        return (instances.Distinct().ToList(), enis.Distinct().ToList(), addresses.Distinct().ToList(), edges.Distinct().ToList());
    }

    /// <summary>Gateways and peering connections the route tables name, by kind.</summary>
    internal static Dictionary<string, HashSet<string>> RouteTargets(IEnumerable<JsonObject> routeTables)
    {
        var targets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["igw"] = new(StringComparer.Ordinal), ["eigw"] = new(StringComparer.Ordinal), ["nat"] = new(StringComparer.Ordinal),
            ["pcx"] = new(StringComparer.Ordinal), ["vpce"] = new(StringComparer.Ordinal), ["vgw"] = new(StringComparer.Ordinal),
        };
        foreach (var rt in routeTables)
        {
            foreach (var r in Objects(rt["Routes"]))
            {
                foreach (var id in new[] { Str(r["GatewayId"]), Str(r["NatGatewayId"]), Str(r["VpcPeeringConnectionId"]), Str(r["EgressOnlyInternetGatewayId"]) })
                    AddTarget(targets, id);
            }
            foreach (var a in Objects(rt["Associations"])) AddTarget(targets, Str(a["GatewayId"]));
        }
        return targets;
    }

    private static void AddTarget(Dictionary<string, HashSet<string>> targets, string? id)
    {
        if (id is null) return;
        var kind = id.StartsWith("igw-", StringComparison.Ordinal) ? "igw" : id.StartsWith("eigw-", StringComparison.Ordinal) ? "eigw"
            : id.StartsWith("nat-", StringComparison.Ordinal) ? "nat" : id.StartsWith("pcx-", StringComparison.Ordinal) ? "pcx"
            : id.StartsWith("vpce-", StringComparison.Ordinal) ? "vpce" : id.StartsWith("vgw-", StringComparison.Ordinal) ? "vgw" : null;
        if (kind is not null) targets[kind].Add(id);
    }

    internal IReadOnlyList<AwsSession> Sessions => _sessions;
}
