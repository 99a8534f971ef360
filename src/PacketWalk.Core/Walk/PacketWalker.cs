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
    private readonly AddressBook _addresses;
    /// <summary>NACL and security-group decisions per (resource, header class); null evaluates every check directly.</summary>
    private readonly DecisionCache? _decisions;

    public PacketWalker(NetworkModel model) : this(model, cacheDecisions: true) { }

    /// <param name="cacheDecisions">False evaluates every NACL and security-group check directly (the benchmark's and the tests' reference).</param>
    internal PacketWalker(NetworkModel model, bool cacheDecisions) : this(model, cacheDecisions ? new DecisionCache(model) : null) { }

    /// <param name="decisions">A cache over this same model (e.g. with a small capacity), or null for direct evaluation.</param>
    internal PacketWalker(NetworkModel model, DecisionCache? decisions) : this(model, decisions, walkOnPastBlocks: false)
    {
        if (decisions is not null && !ReferenceEquals(decisions.Model, model))
            throw new ArgumentException("The decision cache belongs to another model.", nameof(decisions));
    }

    private PacketWalker(NetworkModel model, DecisionCache? decisions, bool walkOnPastBlocks)
    {
        _model = model;
        _groups = new SecurityGroupEvaluator(model);
        _addresses = new AddressBook(model);
        _decisions = decisions;
        _walkOnPastBlocks = walkOnPastBlocks;
    }

    /// <summary>The walker's decision cache (statistics for the benchmark and tests); null when caching is off.</summary>
    internal DecisionCache? Decisions => _decisions;

    public NetworkModel Model => _model;

    /// <summary>Public-address and gateway lookups over the model.</summary>
    public AddressBook Addresses => _addresses;

    public PacketPathResult Walk(WalkRequest request)
    {
        if (request.AllBlockers && !_walkOnPastBlocks) return WalkWithBlockers(request);
        ValidatePacket(request);
        var (source, destination) = ResolveEndpoints(request);

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
            IpProtocol.HasPorts(protocol) ? request.DestinationPorts ?? PortSet.Of(request.Port!.Value) : PortSet.All,
            icmpType, icmpCode)
        { SourceInterfaces = source.Interface is null ? Array.Empty<NetworkInterface>() : new[] { source.Interface } };

        // The forward leg, then the reply from wherever it ended (Flow.cs: per distinct AWS choice, from the final header).
        var (forward, returnLeg) = WalkReturn(
            EndsAtTarget(destination, RunLeg(WalkDirection.Forward, source, destination, forwardPacket, new Trace { Target = destination })),
            source, destination, forwardPacket);
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
        var result = Compose(request, source, destination, forwardPacket, forward, returnLeg, hops, notes);
        KeepLegAccounts(result, request, source, forward, returnLeg);
        return result;
    }

    /// <summary>
    /// A destination named as a gateway, gateway endpoint or attachment is reached only if the packet ends there: a packet
    /// for its address that leaves by another way does not count.
    /// </summary>
    private LegOutcome EndsAtTarget(Endpoint destination, LegOutcome forward)
    {
        if (forward.Kind is not (OutcomeKind.Delivered or OutcomeKind.ReachedEdge)) return forward;
        var endId = forward.Reached?.ComponentId ?? forward.EdgeId ?? "";
        if (forward.Reached?.Interface is { } eni && _addresses.VpcEndpointOf(eni) is { } endpoint)
            forward.Trace.Note($"{eni.NetworkInterfaceId} is an interface of {endpoint.VpcEndpointId} ({endpoint.ServiceName}); the service behind the endpoint is not walked");
        if (destination.Kind is not (EndpointKind.Internet or EndpointKind.GatewayEndpoint or EndpointKind.TransitGatewayAttachment)
            || destination.ComponentId is not { } wanted || wanted == endId)
            return forward;
        var trace = forward.Trace;
        trace.Hops.Add(Hop(WalkDirection.Forward, HopStep.Destination, forward.Reached?.Interface, null, forward.Packet, HopDecision.Deny, endId,
            $"ends at {endId}, not {wanted}", "NO_ROUTE_TO_DESTINATION", null));
        return Stop(OutcomeKind.Blocked, trace, forward.Packet, endId, "NO_ROUTE_TO_DESTINATION", $"ends at {endId}, not {wanted}",
            $"The packet to {destination.Address} ends at {endId}; no route takes it to the destination {wanted}.");
    }

    /// <summary>Starts the reply where the forward packet ended: at the server's ENI, behind a gateway, or at an attachment.</summary>
    private LegOutcome StartReturnLeg(Terminus end, Endpoint client, Endpoint server, Packet reply, Trace trace)
    {
        switch (end.Kind)
        {
            case TerminusKind.Interface:
                return RunLeg(WalkDirection.Return, server with { Interface = end.Interface, Kind = EndpointKind.Interface }, client, reply, trace);
            case TerminusKind.Internet:
                // The internet host answers the address it saw; it comes back in through the same gateway.
                return EnterFromInternet(WalkDirection.Return, _model.InternetGateways[end.ComponentId], reply, trace, HopBudget);
            case TerminusKind.EgressOnlyInternet:
                return ReplyThroughEgressOnlyGateway(end, reply, trace);
            case TerminusKind.GatewayEndpointService:
                return ReplyFromGatewayEndpoint(end, reply, trace);
            case TerminusKind.TransitGatewayAttachment:
                return ReplyFromTransitGatewayAttachment(end, reply, trace);
            default:
                throw new InvalidOperationException($"unhandled terminus {end.Kind}");
        }
    }

    private NaclDecision EvaluateNacl(NetworkAcl acl, RuleDirection direction, IpAddress peer, Packet packet) =>
        _decisions?.Nacl(acl, direction, peer, packet.Protocol, packet.DestinationPorts, packet.IcmpType, packet.IcmpCode)
        ?? NaclEvaluator.Evaluate(acl, direction, peer, packet.Protocol, packet.DestinationPorts, packet.IcmpType, packet.IcmpCode);

    private SecurityGroupDecision EvaluateGroups(NetworkInterface eni, RuleDirection direction, IpAddress peer, IReadOnlyList<NetworkInterface> peerEnis,
        bool referencesPreserved, Packet packet) =>
        _decisions?.SecurityGroups(eni, direction, peer, peerEnis, referencesPreserved, packet.Protocol, packet.DestinationPorts, packet.IcmpType, packet.IcmpCode)
        ?? _groups.Evaluate(eni, direction, peer, peerEnis, referencesPreserved, packet.Protocol, packet.DestinationPorts, packet.IcmpType, packet.IcmpCode);

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
            if (request.Port is null && request.DestinationPorts is null)
                throw new WalkInputException(WalkErrorIds.InvalidPacket, $"A {IpProtocol.Name(request.Protocol)} walk needs -Port.");
            if (request.DestinationPorts is { IsEmpty: true })
                throw new WalkInputException(WalkErrorIds.InvalidPacket, "The destination port set is empty.");
            if (request.Port is < 0 or > 65535)
                throw new WalkInputException(WalkErrorIds.InvalidPacket, $"Port {request.Port} is outside 0-65535.");
            if (request.SourcePort is < 0 or > 65535)
                throw new WalkInputException(WalkErrorIds.InvalidPacket, $"Source port {request.SourcePort} is outside 0-65535.");
        }
        if (request.IcmpType is < -1 or > 255 || request.IcmpCode is < -1 or > 255)
            throw new WalkInputException(WalkErrorIds.InvalidPacket, "ICMP type and code must be 0-255.");
    }
}
