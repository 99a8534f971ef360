using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

// Turning -Source / -Destination (ids or addresses) into endpoints, as Reachability Analyzer accepts them: instances,
// ENIs, addresses inside or outside any VPC, NAT gateways, interface and gateway endpoints, internet gateways, transit
// gateway attachments and virtual private gateways. Ambiguity is an input error that names the way out, never a guess.
public sealed partial class PacketWalker
{
    private enum Role { Source, Destination }

    private (Endpoint Source, Endpoint Destination) ResolveEndpoints(WalkRequest request)
    {
        var sourceIp = OptionalAddress(request.SourceIp, "-SourceIp");
        var destinationIp = OptionalAddress(request.DestinationIp, "-DestinationIp");
        var destinationHint = destinationIp ?? (IpAddress.TryParse(request.Destination, out var d) ? d : (IpAddress?)null);
        var source = Resolve(request.Source, request.SourceVpcId, sourceIp, Role.Source, destinationHint, preferAz: null);
        var destination = Resolve(request.Destination, request.DestinationVpcId, destinationIp, Role.Destination, source.Address,
            preferAz: source.Interface is { } from ? _model.ZoneOf(from) : null);

        if (destination.Address.IsV6 != source.Address.IsV6)
        {
            // An interface named by id can speak either family: take the one the other end uses.
            if (source.Interface is { } s && sourceIp is null && s.AllAddresses.FirstOrDefault(a => a.IsV6 == destination.Address.IsV6) is var sa && sa != default)
                source = source with { Address = sa };
            else if (destination.Interface is { } t && destinationIp is null && t.AllAddresses.FirstOrDefault(a => a.IsV6 == source.Address.IsV6) is var ta && ta != default)
                destination = destination with { Address = ta };
            else
                throw new WalkInputException(WalkErrorIds.InvalidPacket,
                    $"{request.Source} ({source.Address}) and {request.Destination} ({destination.Address}) are not of one address family: a packet is IPv4 or IPv6.", request.Source);
        }

        if (source.Kind == EndpointKind.Internet && destination.Interface is { } server && !destination.Address.IsV6
            && _addresses.ByPublicIp(destination.Address) is null && _addresses.PublicIpOf(server, destination.Address) is { } publicIp)
            // From the internet an interface is reached at its public address; the IGW maps it back (R-IGW-2).
            destination = destination with { Address = publicIp };

        if (source.Kind == EndpointKind.Internet && destination.Interface is null && destination.Kind != EndpointKind.TransitGatewayAttachment
            && !_model.VpcsContaining(destination.Address).Any())
            throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                $"Both {request.Source} and {request.Destination} are outside every VPC in the snapshot: one end must be in the estate.", request.Destination);
        return (source, destination);
    }

    private static IpAddress? OptionalAddress(string? text, string parameter)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!IpAddress.TryParse(text, out var address))
            throw new WalkInputException(WalkErrorIds.InvalidEndpoint, $"{parameter} '{text}' is not an IPv4 or IPv6 address.", text);
        return address;
    }

    private Endpoint Resolve(string given, string? vpcId, IpAddress? address, Role role, IpAddress? familyHint, ZoneRef? preferAz)
    {
        given = given.Trim();
        var what = role == Role.Source ? "source" : "destination";
        var ipParameter = role == Role.Source ? "-SourceIp" : "-DestinationIp";
        if (given.StartsWith("i-", StringComparison.Ordinal))
        {
            if (!_model.Instances.TryGetValue(given, out var instance))
                throw NotFound($"The {what} instance {given} is not in the snapshot.", given);
            var enis = _model.NetworkInterfacesOfInstance(given);
            if (enis.Count == 0)
                throw NotFound($"The {what} instance {given} has no network interface in the snapshot.", given);
            var eni = address is { } a ? enis.FirstOrDefault(e => e.HasAddress(a) || _addresses.ByPublicIp(a)?.Interface == e) ?? throw NotOwned(given, a, ipParameter) : enis[0];
            return new Endpoint(given, AddressFor(eni, address, role) ?? PrimaryAddress(eni, familyHint, given), eni, instance);
        }
        if (given.StartsWith("eni-", StringComparison.Ordinal))
        {
            if (!_model.NetworkInterfaces.TryGetValue(given, out var eni))
                throw NotFound($"The {what} network interface {given} is not in the snapshot.", given);
            if (address is { } a && !eni.HasAddress(a) && _addresses.ByPublicIp(a)?.Interface != eni) throw NotOwned(given, a, ipParameter);
            return new Endpoint(given, AddressFor(eni, address, role) ?? PrimaryAddress(eni, familyHint, given), eni, InstanceOf(eni));
        }
        if (given.StartsWith("nat-", StringComparison.Ordinal))
            return ResolveNatGateway(given, address, role, ipParameter);
        if (given.StartsWith("vpce-", StringComparison.Ordinal))
            return ResolveVpcEndpoint(given, address, role, preferAz, ipParameter);
        if (given.StartsWith("igw-", StringComparison.Ordinal))
        {
            if (!_model.InternetGateways.TryGetValue(given, out var igw))
                throw NotFound($"The {what} internet gateway {given} is not in the snapshot.", given);
            var internetAddress = address ?? throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                $"An internet gateway stands for the internet behind it: give the internet host's address with {ipParameter}.", given);
            if (_model.VpcsContaining(internetAddress).FirstOrDefault() is { } inside)
                throw new WalkInputException(WalkErrorIds.InvalidEndpoint, $"{ipParameter} {internetAddress} is inside {inside.VpcId}, not on the internet side of {given}.", given);
            return new Endpoint(given, internetAddress, null, null) { Kind = EndpointKind.Internet, ComponentId = given, VpcId = igw.AttachedVpcIds.FirstOrDefault() };
        }
        if (given.StartsWith("tgw-attach-", StringComparison.Ordinal))
        {
            if (!_model.TransitGatewayAttachments.ContainsKey(given) && !_model.TransitGatewayVpcAttachments.ContainsKey(given))
                throw NotFound($"The {what} transit gateway attachment {given} is not in the snapshot.", given);
            var attachmentAddress = address ?? throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                $"A transit gateway attachment carries many addresses: give the {what} address with {ipParameter}.", given);
            return new Endpoint(given, attachmentAddress, null, null) { Kind = EndpointKind.TransitGatewayAttachment, ComponentId = given };
        }
        if (given.StartsWith("vgw-", StringComparison.Ordinal))
        {
            // describe-vpn-gateways says which VPC the gateway is attached to; without it, the route tables that name it do.
            var vpcOfGateway = _model.VpnGateways.TryGetValue(given, out var vgw) ? vgw.AttachedVpcIds.FirstOrDefault()
                : _model.RouteTables.Values.OrderBy(r => r.RouteTableId, StringComparer.Ordinal)
                    .FirstOrDefault(r => r.Associations.Any(x => x.GatewayId == given) || r.Routes.Any(x => x.TargetId == given))?.VpcId;
            if (vpcOfGateway is null)
                throw NotFound($"The virtual private gateway {given} is attached to no VPC in the snapshot (neither describe-vpn-gateways nor a route table names its VPC).", given);
            if (role == Role.Destination)
                throw new WalkInputException(WalkErrorIds.InvalidEndpoint, $"A virtual private gateway is walked as a source here; as a destination use the on-premises address.", given);
            var edgeAddress = address ?? throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                $"A virtual private gateway carries many addresses: give the on-premises source address with {ipParameter}.", given);
            return new Endpoint(given, edgeAddress, null, null) { Kind = EndpointKind.VirtualPrivateGateway, ComponentId = given, VpcId = vpcOfGateway };
        }

        if (!IpAddress.TryParse(given, out var ip))
            throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                $"The {what} '{given}' is not an instance, network interface, NAT gateway, VPC endpoint, internet gateway, transit gateway attachment or virtual private gateway id, nor an IP address.", given);
        var owners = _model.NetworkInterfacesWithAddress(ip).Where(e => vpcId is null || e.VpcId == vpcId).ToList();
        if (owners.Select(e => e.VpcId).Distinct().Count() > 1)
            throw new WalkInputException(WalkErrorIds.EndpointAmbiguous,
                $"The {what} address {ip} belongs to interfaces in several VPCs ({string.Join(", ", owners.Select(e => $"{e.NetworkInterfaceId} in {e.VpcId}"))}); say which with -{(role == Role.Source ? "Source" : "Destination")}VpcId.", given);
        if (owners.FirstOrDefault() is { } owner)
            return new Endpoint(given, ip, owner, InstanceOf(owner));
        if (_addresses.ByPublicIp(ip) is { } mapped && (vpcId is null || mapped.Interface.VpcId == vpcId))
            // A public IP of an interface: as a destination the packet is addressed to it; a source sends from its private address.
            return new Endpoint(given, role == Role.Source ? mapped.PrivateIp : ip, mapped.Interface, InstanceOf(mapped.Interface));
        var insideVpcs = _model.VpcsContaining(ip).Where(v => vpcId is null || v.VpcId == vpcId).ToList();
        if (role == Role.Source)
        {
            if (insideVpcs.Count > 0)
                throw NotFound($"No network interface in the snapshot has the source address {ip} (it is inside {string.Join(", ", insideVpcs.Select(v => v.VpcId))}).", given);
            if (IsNotInternetRoutable(ip))
                throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                    $"The source {ip} is a private address outside every VPC in the snapshot: an internet host cannot have it. Walk it from the edge it enters by: -Source tgw-attach-… or vgw-… with -SourceIp {ip}.", given);
            return new Endpoint(given, ip, null, null) { Kind = EndpointKind.Internet };
        }
        return new Endpoint(given, ip, null, null);
    }

    /// <summary>Addresses the internet gateway never carries: RFC 1918 and RFC 6598 (R-IGW-3).</summary>
    internal static bool IsNotInternetRoutable(IpAddress address) => !address.IsV6 && (address.IsRfc1918 || Cidr.Rfc6598.Contains(address));

    /// <summary>
    /// The address a given -SourceIp/-DestinationIp stands for on an interface: a source always sends from its private
    /// address (the IGW maps it, R-IGW-2); a destination may be addressed at its public one.
    /// </summary>
    private IpAddress? AddressFor(NetworkInterface eni, IpAddress? address, Role role)
    {
        if (address is not { } a) return null;
        if (role == Role.Source && _addresses.ByPublicIp(a) is { } m && m.Interface == eni) return m.PrivateIp;
        return a;
    }

    private Endpoint ResolveNatGateway(string given, IpAddress? address, Role role, string ipParameter)
    {
        var what = role == Role.Source ? "source" : "destination";
        if (!_model.NatGateways.TryGetValue(given, out var nat))
            throw NotFound($"The {what} NAT gateway {given} is not in the snapshot.", given);
        var natAddress = address is { } a ? nat.Addresses.FirstOrDefault(x => x.PrivateIp == a || x.PublicIp == a) ?? throw NotOwned(given, a, ipParameter)
            : nat.Addresses.FirstOrDefault(x => x.IsPrimary) ?? nat.Addresses.FirstOrDefault();
        if (natAddress?.NetworkInterfaceId is not { } eniId || !_model.NetworkInterfaces.TryGetValue(eniId, out var eni))
            throw NotFound($"The network interface of the {what} NAT gateway {given} is not in the snapshot (describe-network-interfaces lists it as interface type nat_gateway).", given);
        var ip = role == Role.Destination && address is { } wanted && wanted == natAddress.PublicIp ? wanted : natAddress.PrivateIp ?? PrimaryAddress(eni, null, given);
        return new Endpoint(given, ip, eni, null) { ComponentId = given };
    }

    private Endpoint ResolveVpcEndpoint(string given, IpAddress? address, Role role, ZoneRef? preferAz, string ipParameter)
    {
        var what = role == Role.Source ? "source" : "destination";
        if (!_model.VpcEndpoints.TryGetValue(given, out var vpce))
            throw NotFound($"The {what} VPC endpoint {given} is not in the snapshot.", given);
        if (string.Equals(vpce.VpcEndpointType, "Gateway", StringComparison.OrdinalIgnoreCase))
        {
            if (role == Role.Source)
                throw new WalkInputException(WalkErrorIds.InvalidEndpoint, $"{given} is a gateway endpoint: the service behind it answers, it does not start connections. Use it as the destination.", given);
            if (address is { } a) return new Endpoint(given, a, null, null) { Kind = EndpointKind.GatewayEndpoint, ComponentId = given, VpcId = vpce.VpcId };
            // Any address of the service will do for routing: every one of them is behind the endpoint's prefix-list route.
            var lists = _model.RouteTables.Values.SelectMany(r => r.Routes)
                .Where(r => r.TargetId == given && r.DestinationPrefixListId is not null)
                .Select(r => r.DestinationPrefixListId!).Distinct(StringComparer.Ordinal).OrderBy(x => x, StringComparer.Ordinal);
            var list = lists.Select(id => _model.PrefixLists.TryGetValue(id, out var pl) ? pl : null).FirstOrDefault(pl => pl is { Cidrs.Count: > 0 })
                ?? throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                    $"No prefix list routed to {given} is in the snapshot, so no address of its service is known: give one with {ipParameter}.", given);
            var cidr = list.Cidrs[0];
            var representative = cidr.PrefixLength == cidr.Bits ? cidr.NetworkAddress : new IpAddress(cidr.Network + 1, cidr.IsV6);
            return new Endpoint(given, representative, null, null)
            {
                Kind = EndpointKind.GatewayEndpoint, ComponentId = given, VpcId = vpce.VpcId,
                Note = $"{given} ({vpce.ServiceName}): walked to {representative}, the first address of {list.PrefixListId}'s first entry {cidr}; give -DestinationIp for another",
            };
        }
        if (!string.Equals(vpce.VpcEndpointType, "Interface", StringComparison.OrdinalIgnoreCase))
            throw new WalkInputException(WalkErrorIds.InvalidEndpoint,
                $"{given} is a {vpce.VpcEndpointType} endpoint; Gateway Load Balancer endpoints are route targets, not walk endpoints (R-GWLB-1).", given);
        var enis = vpce.NetworkInterfaceIds.Select(id => _model.NetworkInterfaces.TryGetValue(id, out var e) ? e : null).OfType<NetworkInterface>().ToList();
        if (enis.Count == 0)
            throw NotFound($"None of the network interfaces of the interface endpoint {given} is in the snapshot.", given);
        NetworkInterface chosen;
        string? note = null;
        if (address is { } ip) chosen = enis.FirstOrDefault(e => e.HasAddress(ip)) ?? throw NotOwned(given, ip, ipParameter);
        else
        {
            // R-VPCE-2: one ENI per subnet; the walk takes the one in the other end's AZ, as zonal DNS would (by AZ id, R-AZ-1).
            var matches = enis.Select(e => preferAz?.Compare(_model.ZoneOf(e))).ToList();
            var same = matches.IndexOf(ZoneMatch.Same);
            chosen = same >= 0 ? enis[same] : enis[0];
            if (enis.Count > 1)
                note = $"{given} has interfaces {string.Join(", ", enis.Select(e => $"{e.NetworkInterfaceId} ({_model.ZoneOf(e).Text})"))}; walked to {chosen.NetworkInterfaceId}"
                    + (same >= 0 ? " in the source's Availability Zone"
                        : matches.Contains(ZoneMatch.Unknown) ? $"; which is in the source's Availability Zone is unknown ({preferAz!.Value.WhyUnknown(_model.ZoneOf(enis[matches.IndexOf(ZoneMatch.Unknown)]))}); give -DestinationIp for another"
                        : "; give -DestinationIp for another");
        }
        return new Endpoint(given, address ?? PrimaryAddress(chosen, null, given), chosen, null) { ComponentId = given, Note = note };
    }

    private static WalkInputException NotFound(string message, string given) => new(WalkErrorIds.EndpointNotFound, message, given);

    private static WalkInputException NotOwned(string given, IpAddress address, string parameter) =>
        new(WalkErrorIds.InvalidEndpoint, $"{parameter} {address} is not an address of {given}.", given);

    private Instance? InstanceOf(NetworkInterface eni) => eni.InstanceId is { } id && _model.Instances.TryGetValue(id, out var i) ? i : null;

    private static IpAddress PrimaryAddress(NetworkInterface eni, IpAddress? familyHint, string given)
    {
        if (familyHint is { IsV6: true } && eni.Ipv6Addresses.Count > 0) return eni.Ipv6Addresses[0];
        if (eni.PrimaryPrivateIp is { } p) return p;
        if (eni.PrivateIps.Count > 0) return eni.PrivateIps[0];
        if (eni.Ipv6Addresses.Count > 0) return eni.Ipv6Addresses[0];
        throw new WalkInputException(WalkErrorIds.InvalidEndpoint, $"{given} has no IP address in the snapshot.", given);
    }
}
