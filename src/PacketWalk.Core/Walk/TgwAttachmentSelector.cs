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
    public static TgwAttachmentPlacement ForEntry(NetworkModel model, TransitGatewayVpcAttachment attachment, string availabilityZone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var here = subnets.FirstOrDefault(s => s.AvailabilityZone == availabilityZone);
        return Placement(model, attachment, availabilityZone, here, crossed: false, candidates: here is null ? subnets : new List<Subnet> { here },
            here is null ? $"{attachment.TransitGatewayAttachmentId} has no subnet in {availabilityZone} (it has {Describe(subnets)}): that AZ cannot reach the transit gateway (R-TGW-1)" : null);
    }

    /// <summary>The attachment subnet the TGW delivers to for a packet that entered in <paramref name="availabilityZone"/> (R-TGW-4).</summary>
    public static TgwAttachmentPlacement ForDelivery(NetworkModel model, TransitGatewayVpcAttachment attachment, string availabilityZone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var here = subnets.FirstOrDefault(s => s.AvailabilityZone == availabilityZone);
        if (here is not null)
            return Placement(model, attachment, availabilityZone, here, false, new List<Subnet> { here }, null);
        if (subnets.Count == 0)
            return Placement(model, attachment, availabilityZone, null, false, subnets, $"{attachment.TransitGatewayAttachmentId} has no attachment subnets in the snapshot");
        if (subnets.Count == 1)
            return Placement(model, attachment, availabilityZone, subnets[0], true, subnets,
                $"{attachment.TransitGatewayAttachmentId} has no subnet in {availabilityZone}; the transit gateway crosses to {subnets[0].AvailabilityZone} (R-TGW-4)");
        // R-TGW-4 UNCONFIRMED: AWS does not say which other AZ it picks. Report the set; the walk tries each.
        return new TgwAttachmentPlacement
        {
            TransitGatewayAttachmentId = attachment.TransitGatewayAttachmentId,
            TransitGatewayId = attachment.TransitGatewayId,
            VpcId = attachment.VpcId,
            RequestedAvailabilityZone = availabilityZone,
            AvailabilityZone = subnets[0].AvailabilityZone,
            SubnetId = subnets[0].SubnetId,
            NetworkInterfaceId = model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, subnets[0].SubnetId)?.NetworkInterfaceId,
            CrossedAvailabilityZone = true,
            Ambiguous = true,
            CandidateSubnetIds = subnets.Select(s => s.SubnetId).ToList(),
            CandidateNetworkInterfaceIds = subnets.Select(s => model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, s.SubnetId)?.NetworkInterfaceId ?? $"(ENI in {s.SubnetId})").ToList(),
            Note = $"{attachment.TransitGatewayAttachmentId} has no subnet in {availabilityZone}; AWS does not document which of {Describe(subnets)} it crosses to (R-TGW-4, UNCONFIRMED)",
        };
    }

    /// <summary>The attachment's subnets present in the snapshot, ordered by AZ name then id for determinism.</summary>
    public static IReadOnlyList<Subnet> AttachmentSubnets(NetworkModel model, TransitGatewayVpcAttachment attachment) =>
        attachment.SubnetIds.Select(id => model.Subnets.TryGetValue(id, out var s) ? s : null).OfType<Subnet>()
            .OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).ThenBy(s => s.SubnetId, StringComparer.Ordinal).ToList();

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
        CandidateSubnetIds = candidates.Select(s => s.SubnetId).ToList(),
        CandidateNetworkInterfaceIds = candidates.Select(s => model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, s.SubnetId)?.NetworkInterfaceId).OfType<string>().ToList(),
        Note = note,
    };
}
