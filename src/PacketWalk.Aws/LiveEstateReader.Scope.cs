using System.Text.Json.Nodes;
using static PacketWalk.Aws.LiveEstateReader;

namespace PacketWalk.Aws;

/// <summary>One session's export read: whole VPCs (or the whole region), their transit gateways and what those name.</summary>
internal sealed class ScopeRead
{
    private readonly Ec2Caller _c;
    private readonly LiveReadContext _context;
    private readonly DocumentSet _documents;

    public ScopeRead(Ec2Caller caller, LiveReadContext context, DocumentSet documents)
    {
        _c = caller;
        _context = context;
        _documents = documents;
    }

    public async Task RunAsync(IReadOnlyCollection<string>? vpcIds)
    {
        var vpcs = await Calls.Vpcs(_c, vpcIds).ConfigureAwait(false);
        File(_documents, _c, "Vpcs", vpcs);
        var ids = vpcs?.Select(v => Str(v["VpcId"])).OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? vpcIds?.ToList() ?? new List<string>();
        if (vpcIds is not null)
            foreach (var missing in vpcIds.Except(ids, StringComparer.Ordinal))
                _context.Warn($"{missing} was not found in {_c.Session.Describe()}.");

        List<JsonObject>? routeTables = null, groups = null, attachments = null, enis = null;
        if (ids.Count > 0)
        {
            var subnets = Calls.Subnets(_c, ids, essential: false);
            var rts = Calls.RouteTables(_c, ids);
            var acls = Calls.NetworkAcls(_c, ids);
            var sgs = Calls.SecurityGroups(_c, ids);
            var interfaces = Calls.NetworkInterfaces(_c, "vpc-id", ids, Ec2Caller.PropertyIn("VpcId", ids), essential: false);
            var vpcAttachments = Calls.VpcAttachments(_c, ids);
            var instances = Calls.Instances(_c, "vpc-id", ids, essential: false);
            var igws = Calls.InternetGateways(_c, ids);
            var eigws = Calls.EgressOnlyInternetGateways(_c, ids);
            var nats = Calls.NatGateways(_c, ids);
            var endpoints = Calls.VpcEndpoints(_c, ids);
            var peerings = Calls.VpcPeeringConnections(_c, ids);
            var addresses = Calls.Addresses(_c);
            var vgws = Calls.VpnGatewaysOfVpcs(_c, ids);
            await Task.WhenAll(subnets, rts, acls, sgs, interfaces, vpcAttachments, instances, igws, eigws, nats, endpoints, peerings, addresses, vgws).ConfigureAwait(false);
            File(_documents, _c, "VpnGateways", vgws.Result);
            var vgwIds = vgws.Result?.Select(g => Str(g["VpnGatewayId"])).OfType<string>().ToList() ?? new List<string>();
            if (vgwIds.Count > 0) File(_documents, _c, "VpnConnections", await Calls.VpnConnectionsOfGateways(_c, vgwIds).ConfigureAwait(false));
            routeTables = rts.Result; groups = sgs.Result; attachments = vpcAttachments.Result; enis = interfaces.Result;
            File(_documents, _c, "Subnets", subnets.Result);
            File(_documents, _c, "RouteTables", rts.Result);
            File(_documents, _c, "NetworkAcls", acls.Result);
            File(_documents, _c, "SecurityGroups", sgs.Result);
            File(_documents, _c, "NetworkInterfaces", interfaces.Result);
            File(_documents, _c, "TransitGatewayVpcAttachments", vpcAttachments.Result);
            File(_documents, _c, "Reservations", instances.Result);
            File(_documents, _c, "InternetGateways", igws.Result);
            File(_documents, _c, "EgressOnlyInternetGateways", eigws.Result);
            File(_documents, _c, "NatGateways", nats.Result);
            File(_documents, _c, "VpcEndpoints", endpoints.Result);
            File(_documents, _c, "VpcPeeringConnections", peerings.Result);
            // Elastic IPs are regional: a -VpcId export keeps only those on the scope's interfaces.
            var eniIds = enis?.Select(e => Str(e["NetworkInterfaceId"])).OfType<string>().ToHashSet(StringComparer.Ordinal);
            File(_documents, _c, "Addresses", vpcIds is null || eniIds is null ? addresses.Result
                : addresses.Result?.Where(a => Str(a["NetworkInterfaceId"]) is { } id && eniIds.Contains(id)).ToList());
        }

        // R-BPA-1: Block Public Access decides internet and egress-only gateway crossings: read with the gateways it governs.
        if (_documents.Items("InternetGateways").Count > 0 || _documents.Items("EgressOnlyInternetGateways").Count > 0)
            await NewestCalls.ReadBlockPublicAccessAsync(_documents, _c).ConfigureAwait(false);

        // Transit gateways: every one in the region for a whole-region export, else those the VPCs attach or route to.
        var referencedLists = new List<string>();
        IReadOnlyCollection<string>? tgwIds = vpcIds is null ? null
            : TransitGatewaysNamedBy(routeTables ?? new(), attachments ?? new()).Distinct(StringComparer.Ordinal).ToList();
        if (tgwIds is null || tgwIds.Count > 0)
        {
            var tgws = await Calls.TransitGateways(_c, tgwIds).ConfigureAwait(false);
            File(_documents, _c, "TransitGateways", tgws);
            var owned = tgws?.Select(t => Str(t["TransitGatewayId"])).OfType<string>().ToList() ?? tgwIds?.ToList() ?? new List<string>();
            if (owned.Count > 0)
            {
                var tgwAttachments = Calls.Attachments(_c, owned);
                var tables = Calls.TgwRouteTables(_c, owned);
                await Task.WhenAll(tgwAttachments, tables).ConfigureAwait(false);
                File(_documents, _c, "TransitGatewayAttachments", tgwAttachments.Result);
                File(_documents, _c, "TransitGatewayRouteTables", tables.Result);
                await NewestCalls.ReadPolicyTablesAsync(_documents, _c, owned, tgwAttachments.Result).ConfigureAwait(false);
                var vpns = tgwAttachments.Result?.Where(a => Str(a["ResourceType"]) == "vpn").Select(a => Str(a["ResourceId"])).OfType<string>().Distinct().ToList() ?? new List<string>();
                if (vpns.Count > 0) File(_documents, _c, "VpnConnections", await Calls.VpnConnectionsById(_c, vpns).ConfigureAwait(false));
                if (tgwAttachments.Result?.Any(a => Str(a["ResourceType"]) == "peering") == true)
                    File(_documents, _c, "TransitGatewayPeeringAttachments", await Calls.TgwPeeringAttachments(_c, owned).ConfigureAwait(false));
                var tableIds = tables.Result?.Select(t => Str(t["TransitGatewayRouteTableId"])).OfType<string>().ToList() ?? new List<string>();
                // A TGW prefix-list reference names a customer-managed list: with none in the account there is nothing to read.
                var mayHaveReferences = tableIds.Count == 0 ? Task.FromResult(false) : CustomerPrefixListsExistAsync();
                await Task.WhenAll(tableIds.Select(async id =>
                {
                    var routes = Calls.StaticRoutes(_c, _context, id);
                    var propagations = Calls.Propagations(_c, id);
                    var references = await mayHaveReferences.ConfigureAwait(false)
                        ? Calls.PrefixListReferences(_c, id) : Task.FromResult<List<JsonObject>?>(new List<JsonObject>());
                    await Task.WhenAll(routes, propagations, references).ConfigureAwait(false);
                    File(_documents, _c, "TransitGatewayStaticRoutes", routes.Result);
                    File(_documents, _c, "TransitGatewayPropagations", propagations.Result);
                    File(_documents, _c, "TransitGatewayPrefixListReferences", references.Result);
                    lock (referencedLists) referencedLists.AddRange((references.Result ?? new()).Select(r => Str(r["PrefixListId"])).OfType<string>());
                })).ConfigureAwait(false);
            }
        }

        async Task<bool> CustomerPrefixListsExistAsync()
        {
            var all = await _c.PagesAsync("DescribeManagedPrefixLists", "CustomerPrefixLists", "all",
                (token, ct) => _c.Client.DescribeManagedPrefixListsAsync(new Amazon.EC2.Model.DescribeManagedPrefixListsRequest { NextToken = token }, ct),
                r => r.PrefixLists, r => r.NextToken).ConfigureAwait(false);
            return all is null || all.Any(l => Str(l["OwnerId"]) is not "AWS");
        }

        var lists = PrefixListsNamedBy(routeTables ?? new(), groups ?? new()).Concat(referencedLists).Distinct(StringComparer.Ordinal).ToList();
        if (lists.Count > 0)
        {
            var described = await Calls.PrefixLists(_c, lists).ConfigureAwait(false);
            File(_documents, _c, "PrefixLists", described);
            if (described is not null)
            {
                var entries = await Task.WhenAll(described.Select(l => Str(l["PrefixListId"])).OfType<string>().Select(id => Calls.PrefixListEntries(_c, id))).ConfigureAwait(false);
                foreach (var e in entries) File(_documents, _c, "PrefixListEntries", e);
            }
        }
    }
}
