using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Fixes;

internal sealed partial class FixContext
{
    /// <summary>A route target that the model shows leads on towards the destination, ranked by how much else it needs.</summary>
    private sealed record NextHop(RouteTargetType Type, string TargetId, string Why, int Rank);

    // ---- VPC route tables (R-RT-5..9) ----

    private IEnumerable<PathFix> NoRouteFix(PacketBlocker blocker)
    {
        var packet = blocker.Packet;
        if (blocker.RouteTableId is not { } tableId || !_model.RouteTables.TryGetValue(tableId, out var table))
            return new[] { Structural(blocker, blocker.Component, $"PacketWalk proposes no change for {blocker.Reason} at {blocker.Component}: no route table of the snapshot decides there.", blocker.Explanation) };
        var subnet = blocker.SubnetId is { } s && _model.Subnets.TryGetValue(s, out var sub) ? sub : null;
        var hop = FindNextHop(table.VpcId, subnet, packet.Source, packet.Destination);
        if (hop is null)
        {
            // The packet may be in this VPC only because a TGW route sent it to the wrong attachment (R-TGW-15):
            // then the fix belongs in that TGW route table, not here.
            var upstream = UpstreamTransitGatewayFix(blocker);
            if (upstream is not null) return new[] { upstream };
            return new[] { Structural(blocker, tableId,
                $"Nothing attached to {table.VpcId} (transit gateway with a route, active peering) leads to {packet.Destination}; a route needs a target first.", null) };
        }
        var prefix = DestinationPrefix(packet.Destination);
        var route = new Route(prefix, null, hop.Type, hop.TargetId, "active", "CreateRoute");
        return new[] { RouteFix(blocker, table, hop, PathFixKind.Route, "New-EC2Route", route,
            $"add route {prefix} -> {hop.TargetId} to {tableId}", new AddRoute(tableId, route)) };
    }

    private IEnumerable<PathFix> BlackholeRouteFix(PacketBlocker blocker)
    {
        var packet = blocker.Packet;
        if (blocker.RouteTableId is not { } tableId || !_model.RouteTables.TryGetValue(tableId, out var table))
            return new[] { Structural(blocker, blocker.Component, $"The route table {blocker.Component} is not in the snapshot.", null) };
        var dead = RouteResolver.Lookup(_model, table, packet.Destination).Route;
        if (dead is null || !dead.IsBlackhole)
            return new[] { Structural(blocker, tableId, $"{tableId} no longer has a blackhole route to {packet.Destination}.", null) };
        var subnet = blocker.SubnetId is { } s && _model.Subnets.TryGetValue(s, out var sub) ? sub : null;
        var hop = FindNextHop(table.VpcId, subnet, packet.Source, packet.Destination);
        if (hop is null)
            return new[] { Structural(blocker, tableId,
                $"The route {dead.Text} in {tableId} points at a target that is gone, and nothing attached to {table.VpcId} leads to {packet.Destination}.",
                $"remove it (Remove-EC2Route -RouteTableId {tableId} -DestinationCidrBlock {dead.DestinationText}) if a less specific route should carry the traffic") };
        // ReplaceRoute keeps the destination (and so its priority over less specific routes) and gives it a live target.
        var route = dead with { TargetType = hop.Type, TargetId = hop.TargetId, State = "active" };
        return new[] { RouteFix(blocker, table, hop, PathFixKind.ReplaceRoute, "Set-EC2Route", route,
            $"point the blackhole route {dead.DestinationText} in {tableId} at {hop.TargetId} (it points at {dead.TargetId}, which is gone)",
            new ReplaceRoute(tableId, route)) };
    }

    /// <summary>A fix that writes <paramref name="route"/> into a VPC route table with <paramref name="cmdlet"/>.</summary>
    private PathFix RouteFix(PacketBlocker blocker, RouteTable table, NextHop hop, PathFixKind kind, string cmdlet, Route route, string change, ModelEdit edit)
    {
        var region = table.Origin.Region ?? blocker.Region;
        return new PathFix
        {
            Round = _round,
            Kind = kind,
            Command = AwsToolsText.Route(cmdlet, table.RouteTableId, route, region),
            Change = change,
            Note = hop.Why,
            Edit = edit,
            ResourceId = table.RouteTableId, RouteTableId = table.RouteTableId, VpcId = table.VpcId, SubnetId = blocker.SubnetId,
            TransitGatewayId = hop.Type == RouteTargetType.TransitGateway ? hop.TargetId : null,
            Region = region, OwnerId = table.OwnerId,
        }.WithFlow(this, blocker);
    }

    /// <summary>
    /// Where the VPC can send the packet next: a transit gateway whose table (for this VPC's attachment) routes the
    /// destination elsewhere (rank 1), an active peering to the destination's VPC (2), a transit gateway that has the
    /// destination's VPC attached but no route yet (3). An attachment without a subnet in the source AZ ranks last (R-TGW-1).
    /// </summary>
    private NextHop? FindNextHop(string vpcId, Model.Subnet? subnet, IpAddress source, IpAddress destination)
    {
        var candidates = new List<NextHop>();
        if (InternetNextHop(vpcId, subnet, source, destination) is { } internet) return internet;
        var destinationVpc = _model.VpcsContaining(destination).FirstOrDefault(v => v.VpcId != vpcId);
        foreach (var attachment in _model.VpcAttachmentsOfVpc(vpcId).Where(a => string.Equals(a.State, "available", StringComparison.OrdinalIgnoreCase)))
        {
            var tgw = attachment.TransitGatewayId;
            var destinationAttachment = destinationVpc is null ? null : AvailableVpcAttachment(tgw, destinationVpc.VpcId);
            var association = AssociatedTable(tgw, attachment.TransitGatewayAttachmentId);
            int rank;
            string why;
            var best = association is null ? null : TgwRouteResolver.Lookup(_model, association, destination).Best;
            if (best is not null && !best.Route.IsBlackhole && best.Route.Targets.Any(t => t.TransitGatewayAttachmentId != attachment.TransitGatewayAttachmentId))
            {
                rank = 1;
                why = $"{tgw}: {association} (associated with {attachment.TransitGatewayAttachmentId}) routes {destination} by {best.Route.Text}";
            }
            else if (destinationAttachment is not null && (best is null || best.Route.IsBlackhole))
            {
                // A route that sends the destination back into this VPC would loop; only a missing or dead route can be added to.
                rank = 3;
                why = $"{tgw} has {destinationVpc!.VpcId} attached ({destinationAttachment}) but {association ?? "no associated table"} has no usable route to {destination} yet";
            }
            else continue;
            if (subnet is not null && TgwAttachmentSelector.ForEntry(_model, attachment, _model.ZoneOf(subnet)) is { Found: false } entry)
            {
                rank += 10;
                why += entry.AvailabilityZoneUnknown
                    ? $"; {entry.Note} (R-TGW-1)"
                    : $"; {attachment.TransitGatewayAttachmentId} has no subnet in {_model.ZoneOf(subnet).Text} (R-TGW-1)";
            }
            candidates.Add(new NextHop(RouteTargetType.TransitGateway, tgw, why, rank));
        }
        if (destinationVpc is not null)
            foreach (var pcx in _model.VpcPeeringConnections.Values.Where(p => p.IsActive
                         && ((p.RequesterVpcId == vpcId && p.AccepterVpcId == destinationVpc.VpcId) || (p.AccepterVpcId == vpcId && p.RequesterVpcId == destinationVpc.VpcId))))
                candidates.Add(new NextHop(RouteTargetType.VpcPeering, pcx.VpcPeeringConnectionId,
                    $"the active peering {pcx.VpcPeeringConnectionId} connects {vpcId} and {destinationVpc.VpcId} (both sides need a route, R-PCX-4)", 2));
        return candidates.OrderBy(c => c.Rank).ThenBy(c => c.TargetId, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>
    /// A destination on the internet (outside every VPC, not private or shared address space): the VPC's internet gateway
    /// when the source has a public address (R-IGW-1), else a public NAT gateway of the VPC outside the source's subnet
    /// (R-NAT-1, NGW_SOURCE_IN_SAME_SUBNET), else the internet gateway anyway (the next round then names the missing public
    /// address); IPv6 goes out through an egress-only internet gateway where the VPC has one (R-EIGW-1).
    /// </summary>
    private NextHop? InternetNextHop(string vpcId, Model.Subnet? subnet, IpAddress source, IpAddress destination)
    {
        if (_model.VpcsContaining(destination).Any()) return null;
        if (!destination.IsV6 && (destination.IsRfc1918 || Cidr.Rfc6598.Contains(destination))) return null;
        var igw = _model.InternetGateways.Values.Where(g => g.AttachedVpcIds.Contains(vpcId)).OrderBy(g => g.InternetGatewayId, StringComparer.Ordinal).FirstOrDefault();
        if (destination.IsV6)
        {
            var eigw = _model.EgressOnlyInternetGateways.Values.Where(g => g.AttachedVpcIds.Contains(vpcId)).OrderBy(g => g.EgressOnlyInternetGatewayId, StringComparer.Ordinal).FirstOrDefault();
            if (eigw is not null)
                return new NextHop(RouteTargetType.EgressOnlyInternetGateway, eigw.EgressOnlyInternetGatewayId, $"{eigw.EgressOnlyInternetGatewayId} is {vpcId}'s egress-only internet gateway (R-EIGW-1)", 1);
            return igw is null ? null : new NextHop(RouteTargetType.InternetGateway, igw.InternetGatewayId, $"{igw.InternetGatewayId} is attached to {vpcId}", 1);
        }
        var sourceEni = _model.NetworkInterfacesWithAddress(source).FirstOrDefault(e => e.VpcId == vpcId);
        _addresses ??= new AddressBook(_model);
        if (igw is not null && sourceEni is not null && _addresses.PublicIpOf(sourceEni, source) is { } publicIp)
            return new NextHop(RouteTargetType.InternetGateway, igw.InternetGatewayId, $"{igw.InternetGatewayId} is attached to {vpcId} and {source} has the public address {publicIp} (R-IGW-1/2)", 1);
        var nat = _model.NatGateways.Values
            .Where(n => n.VpcId == vpcId && n.IsPublic && n.IsAvailable && n.SubnetId != subnet?.SubnetId)
            // A NAT gateway in the source's own AZ first (by AZ id, R-AZ-1).
            .OrderBy(n => n.SubnetId is { } s && _model.Subnets.TryGetValue(s, out var ns) && subnet is not null && _model.ZoneOf(subnet).Compare(_model.ZoneOf(ns)) == ZoneMatch.Same ? 0 : 1)
            .ThenBy(n => n.NatGatewayId, StringComparer.Ordinal).FirstOrDefault();
        if (nat is not null)
            return new NextHop(RouteTargetType.NatGateway, nat.NatGatewayId, $"{source} has no public address; the public NAT gateway {nat.NatGatewayId} translates it (R-NAT-1)", 1);
        return igw is null ? null : new NextHop(RouteTargetType.InternetGateway, igw.InternetGatewayId,
            $"{igw.InternetGatewayId} is attached to {vpcId}; {source} also needs a public address (R-IGW-1)", 5);
    }

    private AddressBook? _addresses;

    /// <summary>The destination VPC's CIDR block that holds the address; the address alone when no VPC in the snapshot holds it.</summary>
    private Cidr DestinationPrefix(IpAddress destination)
    {
        var vpc = _model.VpcsContaining(destination).FirstOrDefault();
        return vpc?.AllCidrs.Where(c => c.Contains(destination)).OrderByDescending(c => c.PrefixLength).First() ?? Cidr.Host(destination);
    }

    // ---- transit gateway route tables (R-TGW-14..16) ----

    private IEnumerable<PathFix> TgwNoRouteFix(PacketBlocker blocker)
    {
        var packet = blocker.Packet;
        var tableId = blocker.TransitGatewayRouteTableId ?? blocker.Component!;
        var tgw = blocker.TransitGatewayId ?? (_model.TransitGatewayRouteTables.TryGetValue(tableId, out var t) ? t.TransitGatewayId : null);
        var target = tgw is null ? null : AttachmentTowards(tgw, packet.Destination, blocker.TransitGatewayAttachmentId);
        if (tgw is null || target is null)
            return new[] { Structural(blocker, tableId, $"No available attachment of {tgw} leads to {packet.Destination} (a VPC attachment of its VPC, or a peering to a transit gateway that has one); attach its VPC first.", null) };
        var route = StaticRoute(tableId, DestinationPrefix(packet.Destination), target.Value);
        return new[] { TgwRouteFix(blocker, "New-EC2TransitGatewayRoute", PathFixKind.TransitGatewayRoute, route, new AddTransitGatewayRoute(route), tgw,
            $"add transit gateway route {route.DestinationCidr} -> {target.Value.AttachmentId} ({target.Value.Why}) to {tableId}",
            $"{tableId} decides for traffic arriving on {blocker.TransitGatewayAttachmentId} (R-TGW-14); a static route outranks a propagated one for the same prefix (R-TGW-15)"
            + (target.Value.ResourceType == "peering" ? "; peering carries static routes only (R-TGW-18)" : "")) };
    }

    private IEnumerable<PathFix> TgwBlackholeFix(PacketBlocker blocker)
    {
        var packet = blocker.Packet;
        var tableId = blocker.TransitGatewayRouteTableId ?? blocker.Component!;
        var tgw = blocker.TransitGatewayId;
        var best = TgwRouteResolver.Lookup(_model, tableId, packet.Destination).Best;
        if (best is null || !best.Route.IsBlackhole)
            return new[] { Structural(blocker, tableId, $"{tableId} no longer has a blackhole route to {packet.Destination}.", null) };
        var target = tgw is null ? null : AttachmentTowards(tgw, packet.Destination, blocker.TransitGatewayAttachmentId);
        if (target is null)
            return new[] { Structural(blocker, tableId, $"The blackhole {best.Route.Text} in {tableId} drops {packet.Destination}, and no available attachment of {tgw} leads there.",
                best.Route.DestinationCidr is { } p
                    ? $"remove it (Remove-EC2TransitGatewayRoute -TransitGatewayRouteTableId {tableId} -DestinationCidrBlock {p}) if a less specific route should carry the traffic"
                    : $"change the prefix-list reference (Edit-EC2TransitGatewayPrefixListReference -TransitGatewayRouteTableId {tableId} -PrefixListId {best.Route.PrefixListId}) if a less specific route should carry the traffic") };
        if (best.Route.Type == TgwRouteType.Static && best.Route.DestinationCidr is { } prefix)
        {
            // ReplaceTransitGatewayRoute keeps the prefix, so it still outranks the less specific routes it overrides.
            var route = StaticRoute(tableId, prefix, target.Value);
            return new[] { TgwRouteFix(blocker, "Set-EC2TransitGatewayRoute", PathFixKind.ReplaceTransitGatewayRoute, route, new ReplaceTransitGatewayRoute(route), tgw!,
                $"replace the blackhole route {prefix} in {tableId} with {prefix} -> {target.Value.AttachmentId} ({target.Value.Why})",
                $"a blackhole route drops what it matches (R-TGW-16); replacing it keeps {prefix} more specific than the routes it overrides") };
        }
        // A prefix-list reference with blackhole: a static route for the same prefix outranks it (R-TGW-15, R-TGW-17) and
        // leaves the reference, and the list's other entries, alone.
        var staticRoute = StaticRoute(tableId, best.Prefix, target.Value);
        return new[] { TgwRouteFix(blocker, "New-EC2TransitGatewayRoute", PathFixKind.TransitGatewayRoute, staticRoute, new AddTransitGatewayRoute(staticRoute), tgw!,
            $"add transit gateway route {best.Prefix} -> {target.Value.AttachmentId} ({target.Value.Why}) to {tableId}",
            $"the prefix-list reference {best.Route.PrefixListId} blackholes {best.Prefix}; a static route for the same prefix outranks a prefix-list reference (R-TGW-15, R-TGW-17), so the list stays as it is") };
    }

    /// <summary>An attachment of this TGW that leads towards the destination, with what it leads to.</summary>
    private readonly record struct TgwTarget(string AttachmentId, string? ResourceId, string ResourceType, string Why);

    /// <summary>
    /// The available VPC attachment of the destination's VPC on this TGW; else an available peering attachment to a TGW
    /// that has one (R-TGW-18). Never the attachment the packet arrived on.
    /// </summary>
    private TgwTarget? AttachmentTowards(string transitGatewayId, IpAddress destination, string? arrivedOn)
    {
        var vpc = _model.VpcsContaining(destination).FirstOrDefault();
        if (vpc is null) return null;
        if (AvailableVpcAttachment(transitGatewayId, vpc.VpcId) is { } direct && direct != arrivedOn)
            return new TgwTarget(direct, vpc.VpcId, "vpc", vpc.VpcId);
        foreach (var peering in _model.TransitGatewayPeeringAttachments.Values.Where(p => p.IsAvailable).OrderBy(p => p.TransitGatewayAttachmentId, StringComparer.Ordinal))
        {
            if (peering.TransitGatewayAttachmentId == arrivedOn || peering.PeerOf(transitGatewayId) is not { } peer) continue;
            if (AvailableVpcAttachment(peer, vpc.VpcId) is { } there)
                return new TgwTarget(peering.TransitGatewayAttachmentId, peer, "peering", $"peering to {peer}, where {vpc.VpcId} is attached as {there}");
        }
        return null;
    }

    /// <summary>
    /// The packet reached a VPC that has no way on to the destination because a TGW route sent it there; a more
    /// specific route in that TGW table to the destination VPC's attachment changes only this destination's path.
    /// </summary>
    private PathFix? UpstreamTransitGatewayFix(PacketBlocker blocker)
    {
        var packet = blocker.Packet;
        var tgwHop = blocker.LegHops.LastOrDefault(h => h.Step == HopStep.TgwRouteTable && h.Decision == HopDecision.Forward && h.TransitGatewayRouteTableId is not null);
        if (tgwHop is null) return null;
        var tableId = tgwHop.TransitGatewayRouteTableId!;
        var tgw = tgwHop.TransitGatewayId!;
        var matched = TgwRouteResolver.Lookup(_model, tableId, packet.Destination).Best;
        var destinationVpc = _model.VpcsContaining(packet.Destination).FirstOrDefault();
        var towards = AttachmentTowards(tgw, packet.Destination, null);
        if (matched is null || destinationVpc is null || towards is null || matched.Route.Targets.Any(t => t.TransitGatewayAttachmentId == towards.Value.AttachmentId)) return null;
        var target = towards.Value.AttachmentId;
        var subnetPrefix = _model.SubnetContaining(destinationVpc!.VpcId, packet.Destination) is { } s
            ? (packet.Destination.IsV6 ? s.Ipv6CidrBlocks.FirstOrDefault(c => c.Contains(packet.Destination)) : s.CidrBlock) : null;
        var prefix = new[] { (Cidr?)DestinationPrefix(packet.Destination), subnetPrefix, Cidr.Host(packet.Destination) }
            .OfType<Cidr>().First(c => c.PrefixLength > matched.Prefix.PrefixLength);
        var route = StaticRoute(tableId, prefix, towards.Value);
        bool replace = _model.TransitGatewayRoutes.TryGetValue(tableId, out var listed) && listed.Any(r => r.Type == TgwRouteType.Static && r.DestinationCidr == prefix);
        return TgwRouteFix(blocker, replace ? "Set-EC2TransitGatewayRoute" : "New-EC2TransitGatewayRoute",
            replace ? PathFixKind.ReplaceTransitGatewayRoute : PathFixKind.TransitGatewayRoute, route,
            replace ? new ReplaceTransitGatewayRoute(route) : new AddTransitGatewayRoute(route), tgw,
            $"add transit gateway route {prefix} -> {target} ({towards.Value.Why}) to {tableId}",
            $"{blocker.Component} has no route to {packet.Destination} because the packet should not be in {blocker.VpcId}: {tableId} sends it to "
            + $"{string.Join(",", matched.Route.Targets.Select(x => x.TransitGatewayAttachmentId))} by {matched.Route.Text}, while {packet.Destination} is in {destinationVpc.VpcId}; "
            + $"a more specific route ({prefix}) changes the path of this destination only (R-TGW-15)");
    }

    private PathFix TgwRouteFix(PacketBlocker blocker, string cmdlet, PathFixKind kind, TransitGatewayRoute route, ModelEdit edit, string tgw, string change, string note)
    {
        var region = _model.TransitGatewayRouteTables.TryGetValue(route.TransitGatewayRouteTableId, out var t) ? t.Origin.Region ?? blocker.Region : blocker.Region;
        return new PathFix
        {
            Round = _round,
            Kind = kind,
            Command = AwsToolsText.TransitGatewayRoute(cmdlet, route, region),
            Change = change,
            Note = note,
            Edit = edit,
            ResourceId = route.TransitGatewayRouteTableId, TransitGatewayRouteTableId = route.TransitGatewayRouteTableId,
            TransitGatewayId = tgw, TransitGatewayAttachmentId = route.Targets[0].TransitGatewayAttachmentId, Region = region,
        }.WithFlow(this, blocker);
    }

    private static TransitGatewayRoute StaticRoute(string tableId, Cidr prefix, TgwTarget target) =>
        new(tableId, prefix, null, TgwRouteType.Static, "active", new[] { new TransitGatewayRouteTarget(target.AttachmentId, target.ResourceId, target.ResourceType) });

    private IEnumerable<PathFix> AssociationFix(PacketBlocker blocker)
    {
        var packet = blocker.Packet;
        var attachmentId = blocker.TransitGatewayAttachmentId ?? blocker.Component!;
        var tgw = blocker.TransitGatewayId;
        var tables = _model.TransitGatewayRouteTables.Values.Where(t => t.TransitGatewayId == tgw)
            .OrderBy(t => t.TransitGatewayRouteTableId, StringComparer.Ordinal).ToList();
        bool Routes(Model.TransitGatewayRouteTable t)
        {
            var best = TgwRouteResolver.Lookup(_model, t.TransitGatewayRouteTableId, packet.Destination).Best;
            return best is not null && !best.Route.IsBlackhole && best.Route.Targets.Any(x => x.TransitGatewayAttachmentId != attachmentId);
        }
        var defaultId = tgw is not null && _model.TransitGateways.TryGetValue(tgw, out var g) ? g.AssociationDefaultRouteTableId : null;
        var chosen = tables.Where(Routes).OrderBy(t => t.TransitGatewayRouteTableId == defaultId ? 0 : 1).FirstOrDefault()
            ?? tables.FirstOrDefault(t => t.TransitGatewayRouteTableId == defaultId) ?? tables.FirstOrDefault();
        if (tgw is null || chosen is null)
            return new[] { Structural(blocker, attachmentId, $"{tgw} has no route table in the snapshot to associate {attachmentId} with.", null) };
        var region = chosen.Origin.Region ?? blocker.Region;
        return new[]
        {
            new PathFix
            {
                Round = _round,
                Kind = PathFixKind.TransitGatewayRouteTableAssociation,
                Command = $"Register-EC2TransitGatewayRouteTable -TransitGatewayRouteTableId {chosen.TransitGatewayRouteTableId} -TransitGatewayAttachmentId {attachmentId}{AwsToolsText.RegionArgument(region)}",
                Change = $"associate {attachmentId} with {chosen.TransitGatewayRouteTableId}",
                Note = Routes(chosen)
                    ? $"{chosen.TransitGatewayRouteTableId} routes {packet.Destination}{(chosen.TransitGatewayRouteTableId == defaultId ? " and is the transit gateway's default association table" : "")}"
                    : $"no table of {tgw} routes {packet.Destination} yet; {chosen.TransitGatewayRouteTableId} {(chosen.TransitGatewayRouteTableId == defaultId ? "is the default association table" : "is the first table")} and a route follows",
                Edit = new AssociateTransitGatewayRouteTable(tgw, attachmentId, chosen.TransitGatewayRouteTableId),
                ResourceId = attachmentId, TransitGatewayAttachmentId = attachmentId, TransitGatewayRouteTableId = chosen.TransitGatewayRouteTableId,
                TransitGatewayId = tgw, Region = region,
            }.WithFlow(this, blocker),
        };
    }

    // ---- structural: attachments (R-TGW-1, R-TGW-8, R-TGW-11) ----

    private IEnumerable<PathFix> AttachmentSubnetFix(PacketBlocker blocker)
    {
        var attachmentId = blocker.TransitGatewayAttachmentId ?? blocker.Component!;
        var vpcId = blocker.VpcId;
        // The AZ of the subnet the packet came from; its VPC's subnets in that zone (by AZ id, R-AZ-1) are the candidates.
        var source = blocker.Hop.SubnetId is { } sourceId && _model.Subnets.TryGetValue(sourceId, out var from) ? _model.ZoneOf(from) : (ZoneRef?)null;
        // Named as the VPC's owner names it: the subnet to add is created in that account.
        var az = blocker.Hop.AvailabilityZone;
        // A small subnet with the fewest interfaces is the closest to AWS's advice of a dedicated /28 per AZ (R-TGW-11).
        var subnet = _model.Subnets.Values.Where(s => s.VpcId == vpcId && (source is { } zone ? zone.Compare(_model.ZoneOf(s)) == ZoneMatch.Same : s.AvailabilityZone == az))
            .OrderBy(s => _model.NetworkInterfacesInSubnet(s.SubnetId).Count)
            .ThenByDescending(s => s.CidrBlock?.PrefixLength ?? 0).ThenBy(s => s.SubnetId, StringComparer.Ordinal).FirstOrDefault();
        var change = $"give {attachmentId} a subnet in {az}: an Availability Zone without one cannot reach the transit gateway (R-TGW-1)";
        if (subnet is null)
            return new[] { Structural(blocker, attachmentId, change, $"{vpcId} has no subnet in {az}; create one (AWS recommends a dedicated /28 per AZ, R-TGW-11), then add it to the attachment") };
        var region = subnet.Origin.Region ?? blocker.Region;
        var fix = Structural(blocker, attachmentId, change,
            $"{subnet.SubnetId} ({subnet.CidrBlock}) is the {az} subnet of {vpcId} with the fewest interfaces; its route table and NACL then apply to traffic the transit gateway delivers in {az} (R-TGW-2, R-TGW-10), and AWS recommends a dedicated /28 (R-TGW-11)",
            $"Edit-EC2TransitGatewayVpcAttachment -TransitGatewayAttachmentId {attachmentId} -AddSubnetId {subnet.SubnetId}{AwsToolsText.RegionArgument(region)}");
        return new[] { Restamp(fix, subnetId: subnet.SubnetId, attachmentId: attachmentId) };
    }

    private IEnumerable<PathFix> AttachmentStateFix(PacketBlocker blocker)
    {
        var attachmentId = blocker.TransitGatewayAttachmentId ?? blocker.Component!;
        var state = _model.TransitGatewayVpcAttachments.TryGetValue(attachmentId, out var v) ? v.State
            : _model.TransitGatewayAttachments.TryGetValue(attachmentId, out var a) ? a.State : null;
        var pending = string.Equals(state, "pendingAcceptance", StringComparison.OrdinalIgnoreCase);
        return new[] { Structural(blocker, attachmentId, $"{attachmentId} is {state ?? "not available"}; only available attachments carry traffic (R-TGW-8)",
            pending ? "the attachment waits for the owner of the transit gateway to accept it" : "an attachment in this state has to be recreated or repaired",
            pending ? $"Approve-EC2TransitGatewayVpcAttachment -TransitGatewayAttachmentId {attachmentId}{AwsToolsText.RegionArgument(blocker.Region)}" : null) };
    }

    private static PathFix Restamp(PathFix fix, string? subnetId, string? attachmentId) => new()
    {
        Round = fix.Round, Kind = fix.Kind, Command = fix.Command, Change = fix.Change, Note = fix.Note, Edit = fix.Edit,
        ResourceId = fix.ResourceId, Region = fix.Region, OwnerId = fix.OwnerId, VpcId = fix.VpcId, GroupId = fix.GroupId,
        NetworkAclId = fix.NetworkAclId, RouteTableId = fix.RouteTableId, TransitGatewayId = fix.TransitGatewayId,
        TransitGatewayRouteTableId = fix.TransitGatewayRouteTableId, TransitGatewayAttachmentId = attachmentId ?? fix.TransitGatewayAttachmentId,
        NetworkInterfaceId = fix.NetworkInterfaceId, SubnetId = subnetId ?? fix.SubnetId,
        Source = fix.Source, Destination = fix.Destination, Protocol = fix.Protocol, Port = fix.Port,
        Direction = fix.Direction, Step = fix.Step, BlockedAt = fix.BlockedAt, BlockerReason = fix.BlockerReason, Blocker = fix.Blocker,
    };

    // ---- lookups ----

    private string? AvailableVpcAttachment(string transitGatewayId, string vpcId) =>
        _model.VpcAttachmentsOfVpc(vpcId).Where(a => a.TransitGatewayId == transitGatewayId && string.Equals(a.State, "available", StringComparison.OrdinalIgnoreCase))
            .Select(a => a.TransitGatewayAttachmentId).OrderBy(x => x, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The route table associated with an attachment (on this TGW's side), or null when it has none.</summary>
    private string? AssociatedTable(string transitGatewayId, string attachmentId) =>
        _model.TransitGatewayAttachments.TryGetValue(attachmentId, out var a) && a.TransitGatewayId == transitGatewayId
        && a.AssociatedRouteTableId is not null && (a.AssociationState is null || string.Equals(a.AssociationState, "associated", StringComparison.OrdinalIgnoreCase))
            ? a.AssociatedRouteTableId : null;
}
