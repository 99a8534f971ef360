using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>
/// Walks packets hop by hop through one immutable model, forward and then the reply on its own (walk order: §0 of
/// the rulebook). Thread-safe: a walker holds no per-walk state, so one instance serves any number of walks.
/// </summary>
public sealed partial class PacketWalker
{
    /// <summary>R-NACL-10: the Linux default net.ipv4.ip_local_port_range (the AWS page says 61000).</summary>
    public static readonly PortRange LinuxEphemeral = new(32768, 60999);
    /// <summary>R-NACL-10: Windows Server 2008 and later.</summary>
    public static readonly PortRange WindowsEphemeral = new(49152, 65535);

    private const int HopBudget = 64;

    private readonly NetworkModel _model;
    private readonly SecurityGroupEvaluator _groups;

    public PacketWalker(NetworkModel model)
    {
        _model = model;
        _groups = new SecurityGroupEvaluator(model);
    }

    public NetworkModel Model => _model;

    public PacketPathResult Walk(WalkRequest request)
    {
        ValidatePacket(request);
        var destinationHint = IpAddress.TryParse(request.Destination, out var d) ? d : (IpAddress?)null;
        var source = ResolveEndpoint(request.Source, request.SourceVpcId, "source", mustOwnInterface: true, familyHint: destinationHint);
        var destination = ResolveEndpoint(request.Destination, request.DestinationVpcId, "destination", mustOwnInterface: false, familyHint: source.Address);
        if (destination.Address.IsV6 != source.Address.IsV6)
        {
            var matched = source.Interface?.AllAddresses.FirstOrDefault(a => a.IsV6 == destination.Address.IsV6);
            if (matched is null || matched.Value == default)
                throw new WalkInputException(WalkErrorIds.InvalidPacket,
                    $"{request.Source} has no {(destination.Address.IsV6 ? "IPv6" : "IPv4")} address to reach {destination.Address}.", request.Source);
            source = source with { Address = matched.Value };
        }

        var clientPorts = request.SourcePort is { } sp ? PortSet.Of(sp)
            : PortSet.Of(new[] { source.Instance?.IsWindows == true ? WindowsEphemeral : LinuxEphemeral });
        int protocol = request.Protocol;
        int? icmpType = request.IcmpType, icmpCode = request.IcmpCode;
        if (IpProtocol.IsIcmpFamily(protocol) && icmpType is null)
        {
            icmpType = protocol == IpProtocol.Icmp ? 8 : 128;   // echo request unless told otherwise
            icmpCode ??= 0;
        }
        var forwardPacket = new Packet(source.Address, destination.Address, protocol,
            // Protocols without ports carry the whole range so port-blind rules match them (R-SG-5, R-NACL-6).
            IpProtocol.HasPorts(protocol) ? clientPorts : PortSet.All,
            IpProtocol.HasPorts(protocol) ? PortSet.Of(request.Port!.Value) : PortSet.All,
            icmpType, icmpCode)
        { SourceInterfaces = source.Interface is null ? Array.Empty<NetworkInterface>() : new[] { source.Interface } };

        var (forward, returnLeg) = WalkReturn(RunLeg(WalkDirection.Forward, source, destination, forwardPacket), source, destination, forwardPacket);
        var hops = new List<PacketHop>(forward.Trace.Hops);
        var notes = new List<string>(forward.Trace.Notes);
        if (returnLeg is not null)
        {
            hops.AddRange(returnLeg.Trace.Hops);
            notes.AddRange(returnLeg.Trace.Notes.Where(n => !notes.Contains(n)));
            if (returnLeg.Kind is OutcomeKind.Delivered or OutcomeKind.ReachedEdge)
                notes.AddRange(SymmetryNotes(forward.Trace.TgwDeliveries, returnLeg.Trace.TgwDeliveries, source.Interface?.VpcId, forward.DeliveredTo?.VpcId ?? destination.Interface?.VpcId)
                    .Where(n => !notes.Contains(n)));
        }
        for (int i = 0; i < hops.Count; i++) hops[i].Sequence = i + 1;
        return Compose(request, source, destination, forwardPacket, forward, returnLeg, hops, notes);
    }

    private static int? ReplyIcmpType(int protocol, int? type) => (protocol, type) switch
    {
        (IpProtocol.Icmp, 8) => 0,          // echo request -> echo reply
        (IpProtocol.IcmpV6, 128) => 129,
        _ => type,
    };

    private static void ValidatePacket(WalkRequest request)
    {
        if (request.Protocol < 0 || request.Protocol > 255)
            throw new WalkInputException(WalkErrorIds.InvalidPacket, $"Protocol {request.Protocol} is not a single IP protocol (0-255).");
        if (IpProtocol.HasPorts(request.Protocol))
        {
            if (request.Port is null)
                throw new WalkInputException(WalkErrorIds.InvalidPacket, $"A {IpProtocol.Name(request.Protocol)} walk needs -Port.");
            if (request.Port is < 0 or > 65535)
                throw new WalkInputException(WalkErrorIds.InvalidPacket, $"Port {request.Port} is outside 0-65535.");
            if (request.SourcePort is < 0 or > 65535)
                throw new WalkInputException(WalkErrorIds.InvalidPacket, $"Source port {request.SourcePort} is outside 0-65535.");
        }
        if (request.IcmpType is < -1 or > 255 || request.IcmpCode is < -1 or > 255)
            throw new WalkInputException(WalkErrorIds.InvalidPacket, "ICMP type and code must be 0-255.");
    }

    private Endpoint ResolveEndpoint(string given, string? vpcId, string role, bool mustOwnInterface, IpAddress? familyHint)
    {
        given = given.Trim();
        if (given.StartsWith("i-", StringComparison.Ordinal))
        {
            if (!_model.Instances.TryGetValue(given, out var instance))
                throw new WalkInputException(WalkErrorIds.EndpointNotFound, $"The {role} instance {given} is not in the snapshot.", given);
            var enis = _model.NetworkInterfacesOfInstance(given);
            if (enis.Count == 0)
                throw new WalkInputException(WalkErrorIds.EndpointNotFound, $"The {role} instance {given} has no network interface in the snapshot.", given);
            var primary = enis[0];
            return new Endpoint(given, PrimaryAddress(primary, familyHint, given), primary, instance);
        }
        if (given.StartsWith("eni-", StringComparison.Ordinal))
        {
            if (!_model.NetworkInterfaces.TryGetValue(given, out var eni))
                throw new WalkInputException(WalkErrorIds.EndpointNotFound, $"The {role} network interface {given} is not in the snapshot.", given);
            return new Endpoint(given, PrimaryAddress(eni, familyHint, given), eni, InstanceOf(eni));
        }
        if (!IpAddress.TryParse(given, out var address))
            throw new WalkInputException(WalkErrorIds.InvalidEndpoint, $"The {role} '{given}' is not an instance id, a network interface id or an IP address.", given);
        var owners = _model.NetworkInterfacesWithAddress(address).Where(e => vpcId is null || e.VpcId == vpcId).ToList();
        if (owners.Select(e => e.VpcId).Distinct().Count() > 1)
            throw new WalkInputException(WalkErrorIds.EndpointAmbiguous,
                $"The {role} address {address} belongs to interfaces in several VPCs ({string.Join(", ", owners.Select(e => $"{e.NetworkInterfaceId} in {e.VpcId}"))}); say which with -{(role == "source" ? "Source" : "Destination")}VpcId.", given);
        if (owners.Count == 0 && mustOwnInterface)
            throw new WalkInputException(WalkErrorIds.EndpointNotFound, $"No network interface in the snapshot has the {role} address {address}.", given);
        var owner = owners.FirstOrDefault();
        return new Endpoint(given, address, owner, owner is null ? null : InstanceOf(owner));
    }

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
