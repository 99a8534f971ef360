using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>The attachment subnet and ENI that carry a VPC attachment's traffic in one AZ.</summary>
public sealed class TgwAttachmentPlacement
{
    public string TransitGatewayAttachmentId { get; init; } = "";
    public string? TransitGatewayId { get; init; }
    public string? VpcId { get; init; }
    /// <summary>The AZ asked about, by name (by AZ id when only the id is known); empty for a packet with no AZ of origin.</summary>
    public string RequestedAvailabilityZone { get; init; } = "";
    public string? RequestedAvailabilityZoneId { get; init; }
    /// <summary>The AZ whose attachment subnet is used; differs from the requested AZ when it had to cross.</summary>
    public string? AvailabilityZone { get; init; }
    public string? AvailabilityZoneId { get; init; }
    public string? SubnetId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    public bool CrossedAvailabilityZone { get; init; }
    /// <summary>More than one AZ could serve and AWS does not document which it picks (R-TGW-4, UNCONFIRMED).</summary>
    public bool Ambiguous { get; init; }
    /// <summary>
    /// Which attachment subnet is in the requested AZ cannot be told: they are named by different accounts and lack AZ ids
    /// (R-AZ-1). The candidates are every subnet AWS might use; SubnetId is set only when there is one.
    /// </summary>
    public bool AvailabilityZoneUnknown { get; init; }
    public IReadOnlyList<string> CandidateSubnetIds { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> CandidateNetworkInterfaceIds { get; init; } = Array.Empty<string>();
    public string? Note { get; init; }
    public bool Found => SubnetId is not null;
}

/// <summary>
/// AZ affinity for TGW VPC attachments: R-TGW-1 (one subnet per AZ, AZs without one cannot reach the TGW) and
/// R-TGW-4 (delivery stays in the originating AZ and crosses only when the destination VPC has no attachment subnet there).
/// Zones compare by AZ id, by name only when one account named both (R-AZ-1): the packet's AZ and the attachment's
/// subnets are often in different accounts, whose us-east-1a need not be the same zone.
/// </summary>
public static class TgwAttachmentSelector
{
    /// <summary>The attachment subnet in exactly this AZ, or none (entry into the TGW never crosses AZs, R-TGW-1).</summary>
    /// <remarks>Computed once per (attachment, AZ): the model is immutable and the placement's lists are read-only.</remarks>
    public static TgwAttachmentPlacement ForEntry(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef zone) =>
        model.Placement(attachment, zone, forDelivery: false, static (m, a, z) => ComputeForEntry(m, a, z!.Value));

    /// <summary>As above for an AZ a user names (us-east-1b, or an AZ id), in the mapping of the attachment's account.</summary>
    public static TgwAttachmentPlacement ForEntry(NetworkModel model, TransitGatewayVpcAttachment attachment, string availabilityZone) =>
        ForEntry(model, attachment, Named(model, attachment, availabilityZone));

    private static TgwAttachmentPlacement ComputeForEntry(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef zone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var labels = Labels.For(model, zone, subnets);
        var (here, unknown) = Match(model, zone, subnets);
        if (here is not null)
            return Placement(model, attachment, zone, here, crossed: false, candidates: new List<Subnet> { here }, null);
        if (unknown.Count > 0)
            // R-AZ-1: one of these may be in the source's AZ (it enters there) or none is (R-TGW-1 drops it); which is unknown.
            return Undecided(model, attachment, zone, unknown,
                $"whether {attachment.TransitGatewayAttachmentId} has a subnet in {labels.Of(zone)} is unknown: {zone.WhyUnknown(model.ZoneOf(unknown[0]))} (it has {Describe(subnets, model, labels)})");
        return Placement(model, attachment, zone, null, crossed: false, candidates: subnets,
            $"{attachment.TransitGatewayAttachmentId} has no subnet in {labels.Of(zone)} (it has {Describe(subnets, model, labels)}): that AZ cannot reach the transit gateway (R-TGW-1)");
    }

    /// <summary>
    /// The attachment subnet the TGW delivers to for a packet that entered in <paramref name="zone"/> (R-TGW-4).
    /// A null AZ means the packet has no AZ of origin in this region: it arrived over TGW peering, VPN or Direct Connect.
    /// </summary>
    public static TgwAttachmentPlacement ForDelivery(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef? zone) =>
        model.Placement(attachment, zone, forDelivery: true, static (m, a, z) => ComputeForDelivery(m, a, z));

    /// <summary>As above for an AZ a user names (us-east-1b, or an AZ id), in the mapping of the attachment's account; null for no AZ of origin.</summary>
    public static TgwAttachmentPlacement ForDelivery(NetworkModel model, TransitGatewayVpcAttachment attachment, string? availabilityZone) =>
        ForDelivery(model, attachment, availabilityZone is null ? null : Named(model, attachment, availabilityZone));

    private static TgwAttachmentPlacement ComputeForDelivery(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef? zone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var labels = Labels.For(model, zone, subnets);
        if (subnets.Count == 0)
            return Placement(model, attachment, zone, null, false, subnets, $"{attachment.TransitGatewayAttachmentId} has no attachment subnets in the snapshot");
        if (zone is not { } az)
            return subnets.Count == 1
                ? Placement(model, attachment, null, subnets[0], false, subnets, null)
                // UNCONFIRMED: AWS does not document which AZ a TGW delivers to when the packet came from outside the region's VPCs.
                : Choice(model, attachment, null, subnets, crossed: false,
                    $"the packet arrived without an AZ of origin (over peering, VPN or Direct Connect); AWS does not document which of {Describe(subnets, model, labels)} the transit gateway delivers to (UNCONFIRMED)");
        var (here, unknown) = Match(model, az, subnets);
        if (here is not null)
            return Placement(model, attachment, az, here, false, new List<Subnet> { here }, null);
        if (unknown.Count > 0)
        {
            // R-AZ-1: one of the unknown subnets may be in the packet's AZ (then it is used) or none is (then the TGW
            // crosses to any of them, R-TGW-4): every subnet is possible.
            var why = $"whether {attachment.TransitGatewayAttachmentId} has a subnet in {labels.Of(az)} is unknown: {az.WhyUnknown(model.ZoneOf(unknown[0]))}";
            return subnets.Count == 1
                ? Placement(model, attachment, az, subnets[0], false, subnets, $"{why}; it has only {subnets[0].SubnetId}, so the transit gateway delivers there", zoneUnknown: true)
                : Undecided(model, attachment, az, subnets, $"{why}, so any of {Describe(subnets, model, labels)} may carry the packet");
        }
        if (subnets.Count == 1)
            return Placement(model, attachment, az, subnets[0], true, subnets,
                $"{attachment.TransitGatewayAttachmentId} has no subnet in {labels.Of(az)}; the transit gateway crosses to {labels.Of(model.ZoneOf(subnets[0]))} (R-TGW-4)");
        // R-TGW-4 UNCONFIRMED: AWS does not say which other AZ it picks. Report the set; the walk tries each.
        return Choice(model, attachment, az, subnets, crossed: true,
            $"{attachment.TransitGatewayAttachmentId} has no subnet in {labels.Of(az)}; AWS does not document which of {Describe(subnets, model, labels)} it crosses to (R-TGW-4, UNCONFIRMED)");
    }

    /// <summary>
    /// Appliance mode (R-TGW-6): the TGW picks one attachment ENI per flow by flow hash and keeps it for the flow and its
    /// return. The AWS scenarios: source and destination in the same AZ -> that AZ; a destination without an AZ (outside
    /// every VPC of the snapshot) -> the source AZ; otherwise the flow hash picks any AZ that has an attachment subnet.
    /// </summary>
    /// <param name="entryZone">The AZ the packet entered the TGW in; null when it came over peering or an edge.</param>
    /// <param name="destinationZone">The AZ of the interface that owns the destination address, null when none does.</param>
    public static TgwAttachmentPlacement ForApplianceMode(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef? entryZone, ZoneRef? destinationZone)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var labels = Labels.For(model, entryZone, subnets, destinationZone);
        if (subnets.Count == 0)
            return Placement(model, attachment, entryZone, null, false, subnets, $"{attachment.TransitGatewayAttachmentId} has no attachment subnets in the snapshot");
        var (inEntryAz, entryUnknown) = entryZone is { } e ? Match(model, e, subnets) : (null, new List<Subnet>());
        var sameAz = entryZone is { } entry && destinationZone is { } destination ? entry.Compare(destination) : (ZoneMatch?)null;
        if (inEntryAz is not null && sameAz == ZoneMatch.Same)
            return Placement(model, attachment, entryZone, inEntryAz, false, new List<Subnet> { inEntryAz },
                $"appliance mode: source and destination are both in {labels.Of(entryZone!.Value)}, so the transit gateway uses that AZ (R-TGW-6)");
        if (inEntryAz is not null && destinationZone is null)
            return Placement(model, attachment, entryZone, inEntryAz, false, new List<Subnet> { inEntryAz },
                $"appliance mode: the destination has no AZ in the snapshot, so the transit gateway uses the source AZ {labels.Of(entryZone!.Value)} (R-TGW-6)");
        if (subnets.Count == 1)
        {
            var only = entryZone?.Compare(model.ZoneOf(subnets[0]));
            return Placement(model, attachment, entryZone, subnets[0], only == ZoneMatch.Different, subnets,
                $"appliance mode: {attachment.TransitGatewayAttachmentId} has only {subnets[0].SubnetId} in {labels.Of(model.ZoneOf(subnets[0]))} (R-TGW-6)",
                zoneUnknown: only == ZoneMatch.Unknown);
        }
        // R-AZ-1: where a comparison the rules above need is unknown, the TGW may use the source AZ's subnet or hash the
        // flow over every subnet: every subnet is possible, and which rule applies is not AWS's choice but missing data.
        if (entryUnknown.Count > 0 && sameAz != ZoneMatch.Different)
            return Undecided(model, attachment, entryZone, subnets,
                $"appliance mode on {attachment.TransitGatewayAttachmentId}: whether it has a subnet in the source AZ {labels.Of(entryZone!.Value)} is unknown ({entryZone.Value.WhyUnknown(model.ZoneOf(entryUnknown[0]))}), so any of {DescribeEnis(model, attachment, subnets, labels)} may carry the flow (R-TGW-6)");
        if (inEntryAz is not null && sameAz == ZoneMatch.Unknown)
            return Undecided(model, attachment, entryZone, subnets,
                $"appliance mode on {attachment.TransitGatewayAttachmentId}: whether source and destination are in one AZ is unknown ({entryZone!.Value.WhyUnknown(destinationZone!.Value)}), so the transit gateway uses {inEntryAz.SubnetId} or hashes the flow over {DescribeEnis(model, attachment, subnets, labels)} (R-TGW-6)");
        var why = entryZone is null
            ? "the packet has no AZ of origin"
            : destinationZone is null ? $"{attachment.TransitGatewayAttachmentId} has no subnet in the source AZ {labels.Of(entryZone.Value)}"
            : $"source ({labels.Of(entryZone.Value)}) and destination ({labels.Of(destinationZone.Value)}) are in different AZs";
        return Choice(model, attachment, entryZone, subnets, crossed: false,
            $"appliance mode on {attachment.TransitGatewayAttachmentId}: {why}, so the flow hash picks one of {DescribeEnis(model, attachment, subnets, labels)} for the flow and its return (R-TGW-6)");
    }

    /// <summary>As above for AZs a user names, in the mapping of the attachment's account.</summary>
    public static TgwAttachmentPlacement ForApplianceMode(NetworkModel model, TransitGatewayVpcAttachment attachment, string? entryAvailabilityZone, string? destinationAvailabilityZone) =>
        ForApplianceMode(model, attachment,
            entryAvailabilityZone is null ? null : Named(model, attachment, entryAvailabilityZone),
            destinationAvailabilityZone is null ? null : Named(model, attachment, destinationAvailabilityZone));

    /// <summary>The attachment subnet in <paramref name="zone"/> (by AZ id, R-AZ-1), and the subnets that may or may not be.</summary>
    private static (Subnet? Here, List<Subnet> Unknown) Match(NetworkModel model, ZoneRef zone, IReadOnlyList<Subnet> subnets)
    {
        var unknown = new List<Subnet>();
        foreach (var s in subnets)
            switch (zone.Compare(model.ZoneOf(s)))
            {
                case ZoneMatch.Same: return (s, unknown);
                case ZoneMatch.Unknown: unknown.Add(s); break;
            }
        return (null, unknown);
    }

    /// <summary>A zone a user names, read in the mapping of the account that named the attachment's subnets.</summary>
    private static ZoneRef Named(NetworkModel model, TransitGatewayVpcAttachment attachment, string nameOrId)
    {
        var subnets = AttachmentSubnets(model, attachment);
        var account = subnets.Count > 0 ? model.ZoneOf(subnets[0]).NamingAccountId : NetworkModel.NamingAccountOf(attachment.Origin, attachment.VpcOwnerId);
        return model.ZoneNamed(nameOrId, account);
    }

    /// <summary>
    /// Zone names for notes: names alone when one account named every zone involved (they are unambiguous then), names
    /// with AZ ids when several did.
    /// </summary>
    private readonly record struct Labels(bool WithIds)
    {
        public string Of(ZoneRef zone) => WithIds ? zone.Text : zone.NameOrId;

        public static Labels For(NetworkModel model, ZoneRef? zone, IReadOnlyList<Subnet> subnets, ZoneRef? other = null)
        {
            var zones = subnets.Select(model.ZoneOf).ToList();
            if (zone is { } z) zones.Add(z);
            if (other is { } o) zones.Add(o);
            return new(zones.Select(x => x.NamingAccountId).Distinct().Count() > 1);
        }
    }

    private static TgwAttachmentPlacement Choice(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef? requested, IReadOnlyList<Subnet> subnets, bool crossed, string note) =>
        Placement(model, attachment, requested, subnets[0], crossed, subnets, note, ambiguous: true);

    /// <summary>R-AZ-1: the candidates are possible and the data cannot tell which; no subnet is named as the one.</summary>
    private static TgwAttachmentPlacement Undecided(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef? requested, IReadOnlyList<Subnet> candidates, string note) =>
        Placement(model, attachment, requested, null, false, candidates, note, zoneUnknown: true);

    /// <summary>The attachment's subnets present in the snapshot, ordered by AZ name then id for determinism (computed once per attachment).</summary>
    public static IReadOnlyList<Subnet> AttachmentSubnets(NetworkModel model, TransitGatewayVpcAttachment attachment) =>
        model.AttachmentSubnets(attachment, static (m, a) => a.SubnetIds.Select(id => m.Subnets.TryGetValue(id, out var s) ? s : null).OfType<Subnet>()
            .OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).ThenBy(s => s.SubnetId, StringComparer.Ordinal).ToList().AsReadOnly());

    private static string DescribeEnis(NetworkModel model, TransitGatewayVpcAttachment attachment, IReadOnlyList<Subnet> subnets, Labels labels) =>
        string.Join(", ", subnets.Select(s => $"{model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, s.SubnetId)?.NetworkInterfaceId ?? $"(ENI in {s.SubnetId})"} in {labels.Of(model.ZoneOf(s))}"));

    private static string Describe(IReadOnlyList<Subnet> subnets, NetworkModel model, Labels labels) =>
        subnets.Count == 0 ? "no subnets" : string.Join(", ", subnets.Select(s => $"{s.SubnetId} in {labels.Of(model.ZoneOf(s))}"));

    private static TgwAttachmentPlacement Placement(NetworkModel model, TransitGatewayVpcAttachment attachment, ZoneRef? requested, Subnet? subnet, bool crossed,
        IReadOnlyList<Subnet> candidates, string? note, bool ambiguous = false, bool zoneUnknown = false)
    {
        // Where several subnets remain possible, the list names each (an ENI missing from the snapshot by its subnet).
        bool several = ambiguous || zoneUnknown;
        var zone = subnet is null ? (ZoneRef?)null : model.ZoneOf(subnet);
        return new()
        {
            TransitGatewayAttachmentId = attachment.TransitGatewayAttachmentId,
            TransitGatewayId = attachment.TransitGatewayId,
            VpcId = attachment.VpcId,
            RequestedAvailabilityZone = requested?.NameOrId ?? "",
            RequestedAvailabilityZoneId = requested?.Id,
            AvailabilityZone = zone?.NameOrId,
            AvailabilityZoneId = zone?.Id,
            SubnetId = subnet?.SubnetId,
            NetworkInterfaceId = subnet is null ? null : model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, subnet.SubnetId)?.NetworkInterfaceId,
            CrossedAvailabilityZone = crossed,
            Ambiguous = ambiguous,
            AvailabilityZoneUnknown = zoneUnknown,
            CandidateSubnetIds = candidates.Select(s => s.SubnetId).ToList().AsReadOnly(),
            CandidateNetworkInterfaceIds = candidates.Select(s => model.TransitGatewayAttachmentEni(attachment.TransitGatewayAttachmentId, s.SubnetId)?.NetworkInterfaceId ?? (several ? $"(ENI in {s.SubnetId})" : null))
                .OfType<string>().ToList().AsReadOnly(),
            Note = note,
        };
    }
}
