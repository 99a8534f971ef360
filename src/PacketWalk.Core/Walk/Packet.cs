using System.Collections.Immutable;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

/// <summary>The packet header as it travels; immutable, so a branch of the walk can hold its own copy.</summary>
internal sealed record Packet(
    IpAddress Source,
    IpAddress Destination,
    int Protocol,
    PortSet SourcePorts,
    PortSet DestinationPorts,
    int? IcmpType,
    int? IcmpCode)
{
    /// <summary>The interfaces the packet originated from, for security-group references (R-SG-9).</summary>
    public IReadOnlyList<NetworkInterface> SourceInterfaces { get; init; } = Array.Empty<NetworkInterface>();
    /// <summary>Null while group identity travels with the packet; otherwise the reason code for losing it (R-SG-10, R-TGW-12/13).</summary>
    public string? GroupReferenceLoss { get; init; }
    public string? GroupReferenceLossNote { get; init; }
    /// <summary>
    /// Appliance-mode choices of this flow: VPC attachment id -> the attachment subnet the TGW picked by flow hash. The TGW
    /// uses the same ENI for the return traffic (R-TGW-6), so the reply carries the forward packet's pins.
    /// </summary>
    public ImmutableSortedDictionary<string, string> FlowPins { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public string FlowPinText => string.Join(",", FlowPins.Select(p => $"{p.Key}={p.Value}"));

    public string ProtocolName => IpProtocol.Name(Protocol);
    public string? SourcePortText => IpProtocol.HasPorts(Protocol) ? SourcePorts.ToString() : null;
    public string? DestinationPortText => IpProtocol.HasPorts(Protocol) ? DestinationPorts.ToString()
        : IpProtocol.IsIcmpFamily(Protocol) && IcmpType is { } t ? $"type {t} code {IcmpCode ?? 0}" : null;
}

/// <summary>What kind of thing a walk starts or ends at.</summary>
internal enum EndpointKind
{
    /// <summary>An ENI: instance, network interface, NAT gateway or interface endpoint.</summary>
    Interface,
    /// <summary>An address no interface in the snapshot owns, inside a VPC or not.</summary>
    Address,
    /// <summary>An internet address, reached through (or coming from) an internet gateway.</summary>
    Internet,
    /// <summary>The AWS service behind a gateway endpoint.</summary>
    GatewayEndpoint,
    /// <summary>A transit gateway attachment.</summary>
    TransitGatewayAttachment,
    /// <summary>A virtual private gateway: the VPN / Direct Connect side of a VPC.</summary>
    VirtualPrivateGateway,
}

/// <summary>A resolved walk endpoint: an interface (when the address belongs to one) and the address used.</summary>
internal sealed record Endpoint(string Given, IpAddress Address, NetworkInterface? Interface, Instance? Instance)
{
    public EndpointKind Kind { get; init; } = Interface is null ? EndpointKind.Address : EndpointKind.Interface;
    /// <summary>The gateway, endpoint or attachment id for the kinds that are not interfaces.</summary>
    public string? ComponentId { get; init; }
    /// <summary>The VPC of a gateway endpoint or virtual private gateway.</summary>
    public string? VpcId { get; init; }
    /// <summary>A choice the resolution made that the reader should know about (which endpoint ENI, which service address).</summary>
    public string? Note { get; init; }
}
