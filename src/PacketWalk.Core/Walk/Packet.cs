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

/// <summary>A resolved walk endpoint: an interface (when the address belongs to one) and the address used.</summary>
internal sealed record Endpoint(string Given, IpAddress Address, NetworkInterface? Interface, Instance? Instance);
