using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>The attachment subnet and ENI that carry a VPC attachment's traffic in one AZ.</summary>
public sealed class TgwAttachmentPlacement
{
    public string TransitGatewayAttachmentId { get; init; } = "";
    public string? TransitGatewayId { get; init; }
    public string? VpcId { get; init; }
    public string RequestedAvailabilityZone { get; init; } = "";
    /// <summary>The AZ whose attachment subnet is used; differs from the requested AZ when it had to cross.</summary>
    public string? AvailabilityZone { get; init; }
    public string? SubnetId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    public bool CrossedAvailabilityZone { get; init; }
    /// <summary>More than one AZ could serve and AWS does not document which it picks (R-TGW-4, UNCONFIRMED).</summary>
    public bool Ambiguous { get; init; }
    public IReadOnlyList<string> CandidateSubnetIds { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> CandidateNetworkInterfaceIds { get; init; } = Array.Empty<string>();
    public string? Note { get; init; }
    public bool Found => SubnetId is not null;
}

/// <summary>
/// AZ affinity for TGW VPC attachments: R-TGW-1 (one subnet per AZ, AZs without one cannot reach the TGW) and
/// R-TGW-4 (delivery stays in the originating AZ and crosses only when the destination VPC has no attachment subnet there).
/// </summary>
public static class TgwAttachmentSelector
{
    /// <summary>The attachment subnet in exactly this AZ, or none (entry into the TGW never crosses AZs, R-TGW-1).</summary>
    /// <remarks>Computed once per (attachment, AZ): the model is immutable and the placement's lists are read-only.</remarks>
    public static TgwAttachmentPlacement ForEntry(NetworkModel model, TransitGatewayVpcAttachment attachment, string availabilityZone) =>
        model.Placement(attachment, availabilityZone, forDelivery: false, static (m, a, az) => ComputeForEntry(m, a, az!));

    private static TgwAttachmentPlacement ComputeForEntry(NetworkModel model, TransitGatewayVpcAttachment attachment, string availabilityZone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var here = subnets.FirstOrDefault(s => s.AvailabilityZone == availabilityZone);
        return Placement(model, attachment, availabilityZone, here, crossed: false, candidates: here is null ? subnets : new List<Subnet> { here },
            here is null ? $"{attachment.TransitGatewayAttachmentId} has no subnet in {availabilityZone} (it has {Describe(subnets)}): that AZ cannot reach the transit gateway (R-TGW-1)" : null);
    }

    /// <summary>
    /// The attachment subnet the TGW delivers to for a packet that entered in <paramref name="availabilityZone"/> (R-TGW-4).
    /// A null AZ means the packet has no AZ of origin in this region: it arrived over TGW peering, VPN or Direct Connect.
    /// </summary>
    public static TgwAttachmentPlacement ForDelivery(NetworkModel model, TransitGatewayVpcAttachment attachment, string? availabilityZone) =>
        model.Placement(attachment, availabilityZone, forDelivery: true, static (m, a, az) => ComputeForDelivery(m, a, az));

    private static TgwAttachmentPlacement ComputeForDelivery(NetworkModel model, TransitGatewayVpcAttachment attachment, string? availabilityZone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var here = availabilityZone is null ? null : subnets.FirstOrDefault(s => s.AvailabilityZone == availabilityZone);
        if (here is not null)
            return Placement(model, attachment, availabilityZone!, here, false, new List<Subnet> { here }, null);
        if (subnets.Count == 0)
            return Placement(model, attachment, availabilityZone ?? "", null, false, subnets, $"{attachment.TransitGatewayAttachmentId} has no attachment subnets in the snapshot");
        if (availabilityZone is null)
            return subnets.Count == 1
                ? Placement(model, attachment, "", subnets[0], false, subnets, null)
                // UNCONFIRMED: AWS does not document which AZ a TGW delivers to when the packet came from outside the region's VPCs.
                : Choice(model, attachment, "", subnets, crossed: false,
                    $"the packet arrived without an AZ of origin (over peering, VPN or Direct Connect); AWS does not document which of {Describe(subnets)} the transit gateway delivers to (UNCONFIRMED)");
        if (subnets.Count == 1)
            return Placement(model, attachment, availabilityZone, subnets[0], true, subnets,
                $"{attachment.TransitGatewayAttachmentId} has no subnet in {availabilityZone}; the transit gateway crosses to {subnets[0].AvailabilityZone} (R-TGW-4)");
        // R-TGW-4 UNCONFIRMED: AWS does not say which other AZ it picks. Report the set; the walk tries each.
        return Choice(model, attachment, availabilityZone, subnets, crossed: true,
            $"{attachment.TransitGatewayAttachmentId} has no subnet in {availabilityZone}; AWS does not document which of {Describe(subnets)} it crosses to (R-TGW-4, UNCONFIRMED)");
    }

    /// <summary>
    /// Appliance mode (R-TGW-6): the TGW picks one attachment ENI per flow by flow hash and keeps it for the flow and its
    /// return. The AWS scenarios: source and destination in the same AZ -> that AZ; a destination without an AZ (outside
    /// every VPC of the snapshot) -> the source AZ; otherwise the flow hash picks any AZ that has an attachment subnet.
    /// </summary>
    /// <param name="entryAvailabilityZone">The AZ the packet entered the TGW in; null when it came over peering or an edge.</param>
    /// <param name="destinationAvailabilityZone">The AZ of the interface that owns the destination address, null when none does.</param>
    public static TgwAttachmentPlacement ForApplianceMode(NetworkModel model, TransitGatewayVpcAttachment attachment, string? entryAvailabilityZone, string? destinationAvailabilityZone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var requested = entryAvailabilityZone ?? "";
        if (subnets.Count == 0)
            return Placement(model, attachment, requested, null, false, subnets, $"{attachment.TransitGatewayAttachmentId} has no attachment subnets in the snapshot");
        var inEntryAz = entryAvailabilityZone is null ? null : subnets.FirstOrDefault(s => s.AvailabilityZone == entryAvailabilityZone);
        if (inEntryAz is not null && destinationAvailabilityZone == entryAvailabilityZone)
            return Placement(model, attachment, requested, inEntryAz, false, new List<Subnet> { inEntryAz },
                $"appliance mode: source and destination are both in {entryAvailabilityZone}, so the transit gateway uses that AZ (R-TGW-6)");
        if (inEntryAz is not null && destinationAvailabilityZone is null)
            return Placement(model, attachment, requested, inEntryAz, false, new List<Subnet> { inEntryAz },
                $"appliance mode: the destination has no AZ in the snapshot, so the transit gateway uses the source AZ {entryAvailabilityZone} (R-TGW-6)");
        if (subnets.Count == 1)
            return Placement(model, attachment, requested, subnets[0], entryAvailabilityZone is not null && subnets[0].AvailabilityZone != entryAvailabilityZone, subnets,
                $"appliance mode: {attachment.TransitGatewayAttachmentId} has only {subnets[0].SubnetId} in {subnets[0].AvailabilityZone} (R-TGW-6)");
        var why = entryAvailabilityZone is null
            ? "the packet has no AZ of origin"
            : destinationAvailabilityZone is null ? $"{attachment.TransitGatewayAttachmentId} has no subnet in the source AZ {entryAvailabilityZone}"
            : $"source ({entryAvailabilityZone}) and destination ({destinationAvailabilityZone}) are in different AZs";
        return Choice(model, attachment, requested, subnets, crossed: false,
            $"appliance mode on {attachment.TransitGatewayAttachmentId}: {why}, so the flow hash picks one of {DescribeEnis(model, attachment, subnets)} for the flow and its return (R-TGW-6)");
    }

    private static TgwAttachmentPlacement Choice(NetworkModel model, TransitGatewayVpcAttachment attachment, string requestedAz, IReadOnlyList<Subnet> subnets, bool crossed, string note) => new()
    {
        TransitGatewayAttachmentId = attachment.TransitGatewayAttachmentId,
        TransitGatewayId = attachment.TransitGatewayId,
        VpcId = attachment.VpcId,
        RequestedAvailabilityZone = requestedAz,
        AvailabilityZone = subnets[0].AvailabilityZone,
        SubnetId = subnets[0].SubnetId,
        NetworkInterfaceId = model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, subnets[0].SubnetId)?.NetworkInterfaceId,
        CrossedAvailabilityZone = crossed,
        Ambiguous = true,
        CandidateSubnetIds = subnets.Select(s => s.SubnetId).ToList().AsReadOnly(),
        CandidateNetworkInterfaceIds = subnets.Select(s => model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, s.SubnetId)?.NetworkInterfaceId ?? $"(ENI in {s.SubnetId})").ToList().AsReadOnly(),
        Note = note,
    };

    /// <summary>The attachment's subnets present in the snapshot, ordered by AZ name then id for determinism (computed once per attachment).</summary>
    public static IReadOnlyList<Subnet> AttachmentSubnets(NetworkModel model, TransitGatewayVpcAttachment attachment) =>
        model.AttachmentSubnets(attachment, static (m, a) => a.SubnetIds.Select(id => m.Subnets.TryGetValue(id, out var s) ? s : null).OfType<Subnet>()
            .OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).ThenBy(s => s.SubnetId, StringComparer.Ordinal).ToList().AsReadOnly());

    private static string DescribeEnis(NetworkModel model, TransitGatewayVpcAttachment attachment, IReadOnlyList<Subnet> subnets) =>
        string.Join(", ", subnets.Select(s => $"{model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, s.SubnetId)?.NetworkInterfaceId ?? $"(ENI in {s.SubnetId})"} in {s.AvailabilityZone}"));

    private static string Describe(IReadOnlyList<Subnet> subnets) =>
        subnets.Count == 0 ? "no subnets" : string.Join(", ", subnets.Select(s => $"{s.SubnetId} in {s.AvailabilityZone}"));

    private static TgwAttachmentPlacement Placement(NetworkModel model, TransitGatewayVpcAttachment attachment, string requestedAz, Subnet? subnet, bool crossed, IReadOnlyList<Subnet> candidates, string? note) => new()
    {
        TransitGatewayAttachmentId = attachment.TransitGatewayAttachmentId,
        TransitGatewayId = attachment.TransitGatewayId,
        VpcId = attachment.VpcId,
        RequestedAvailabilityZone = requestedAz,
        AvailabilityZone = subnet?.AvailabilityZone,
        SubnetId = subnet?.SubnetId,
        NetworkInterfaceId = subnet is null ? null : model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, subnet.SubnetId)?.NetworkInterfaceId,
        CrossedAvailabilityZone = crossed,
        CandidateSubnetIds = candidates.Select(s => s.SubnetId).ToList().AsReadOnly(),
        CandidateNetworkInterfaceIds = candidates.Select(s => model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, s.SubnetId)?.NetworkInterfaceId).OfType<string>().ToList().AsReadOnly(),
        Note = note,
    };
}
