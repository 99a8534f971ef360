using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>Which of a regional NAT gateway's per-AZ addresses serves a source AZ, or why none does.</summary>
/// <param name="ZoneUnknown">Whether an address serves the source's AZ cannot be told: the gateway and the subnet were named by different accounts without AZ ids (R-AZ-1).</param>
public sealed record RegionalNatChoice(NatGatewayAddress? Address, IReadOnlyList<NatGatewayAddress> Candidates, bool Blocked, string? Problem, bool ZoneUnknown = false)
{
    public bool Found => Address is not null;
}

/// <summary>
/// R-NAT-4/5: a regional NAT gateway has no subnet of its own; it translates traffic from each AZ to the address(es) it holds
/// in that AZ. An AZ with no usable address is not served: in manual mode (AutoProvisionZones disabled) that is final
/// (REGIONAL_NGW_ROUTE_AZ_RESTRICTION); in automatic mode AWS expands into AZs with workloads, so at snapshot time the
/// expansion may simply not have finished (Unknown). Zones compare by AZ id, by name only when one account named both (R-AZ-1).
/// </summary>
public static class RegionalNatSelector
{
    /// <summary>
    /// The address serving <paramref name="sourceSubnet"/>'s AZ, the zones read from the records alone. A gateway record
    /// without an owner is taken as named by the subnet's owner, who owns the VPC and so its subnets.
    /// </summary>
    public static RegionalNatChoice ForSource(NatGateway nat, Subnet sourceSubnet) =>
        ForSource(nat, new ZoneRef(sourceSubnet.AvailabilityZone == sourceSubnet.AvailabilityZoneId ? "" : sourceSubnet.AvailabilityZone, sourceSubnet.AvailabilityZoneId,
                NetworkModel.NamingAccountOf(sourceSubnet.Origin, sourceSubnet.OwnerId)),
            a => new ZoneRef(a.AvailabilityZone ?? "", a.AvailabilityZoneId, NetworkModel.NamingAccountOf(nat.Origin, sourceSubnet.OwnerId)), sourceSubnet.SubnetId);

    /// <summary>As above, with AZ ids the model knows from other records of the same account.</summary>
    public static RegionalNatChoice ForSource(NetworkModel model, NatGateway nat, Subnet sourceSubnet) =>
        ForSource(nat, model.ZoneOf(sourceSubnet), a => model.ZoneOf(nat, a), sourceSubnet.SubnetId);

    private static RegionalNatChoice ForSource(NatGateway nat, ZoneRef source, Func<NatGatewayAddress, ZoneRef> zoneOf, string sourceSubnetId)
    {
        var matches = nat.Addresses.Select(a => (Address: a, Match: source.Compare(zoneOf(a)))).ToList();
        var inAz = matches.Where(m => m.Match == ZoneMatch.Same).Select(m => m.Address).ToList();
        var usable = inAz.Where(a => a.IsUsable && (a.PublicIp is not null || a.PrivateIp is not null)).ToList();
        if (usable.Count > 0)
            return new RegionalNatChoice(usable.FirstOrDefault(a => a.IsPrimary) ?? usable[0], usable, false, null);
        if (matches.FirstOrDefault(m => m.Match == ZoneMatch.Unknown) is { Address: not null } unknown)
            return new RegionalNatChoice(null, Array.Empty<NatGatewayAddress>(), false,
                $"Which address of {nat.NatGatewayId} serves {source.Text} is unknown: {source.WhyUnknown(zoneOf(unknown.Address))} (R-NAT-5).", ZoneUnknown: true);

        var covered = string.Join(", ", nat.Addresses.Select(a => zoneOf(a).Text).Distinct(StringComparer.Ordinal).OrderBy(z => z, StringComparer.Ordinal));
        var why = inAz.Count > 0
            ? $"{nat.NatGatewayId}'s address in {source.Text} is {string.Join(", ", inAz.Select(a => a.Status ?? "without an address"))}"
            : $"{nat.NatGatewayId} has no address in {source.Text} (it serves {(covered.Length == 0 ? "no AZ" : covered)})";
        if (!nat.ExpandsAutomatically && nat.AutoProvisionZones is not null)
            return new RegionalNatChoice(null, Array.Empty<NatGatewayAddress>(), true,
                $"{why}; in manual mode it serves only the AZs given addresses, so traffic from {sourceSubnetId} is dropped (R-NAT-5).");
        return new RegionalNatChoice(null, Array.Empty<NatGatewayAddress>(), false,
            nat.ExpandsAutomatically
                ? $"{why}; in automatic mode AWS expands it into AZs where the VPC has workloads, which had not happened when the snapshot was taken (R-NAT-5)."
                : $"{why}, and the snapshot does not say whether it expands automatically (AutoProvisionZones) (R-NAT-5).");
    }
}
