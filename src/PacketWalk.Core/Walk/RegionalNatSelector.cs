using PacketWalk.Core.Model;

namespace PacketWalk.Core.Walk;

/// <summary>Which of a regional NAT gateway's per-AZ addresses serves a source AZ, or why none does.</summary>
public sealed record RegionalNatChoice(NatGatewayAddress? Address, IReadOnlyList<NatGatewayAddress> Candidates, bool Blocked, string? Problem)
{
    public bool Found => Address is not null;
}

/// <summary>
/// R-NAT-4/5: a regional NAT gateway has no subnet of its own; it translates traffic from each AZ to the address(es) it holds
/// in that AZ. An AZ with no usable address is not served: in manual mode (AutoProvisionZones disabled) that is final
/// (REGIONAL_NGW_ROUTE_AZ_RESTRICTION); in automatic mode AWS expands into AZs with workloads, so at snapshot time the
/// expansion may simply not have finished (Unknown).
/// </summary>
public static class RegionalNatSelector
{
    public static RegionalNatChoice ForSource(NatGateway nat, Subnet sourceSubnet)
    {
        bool SameAz(NatGatewayAddress a) => a.AvailabilityZoneId is { } id && sourceSubnet.AvailabilityZoneId is { } sid
            ? id == sid
            : string.Equals(a.AvailabilityZone, sourceSubnet.AvailabilityZone, StringComparison.Ordinal);
        var inAz = nat.Addresses.Where(SameAz).ToList();
        var usable = inAz.Where(a => a.IsUsable && (a.PublicIp is not null || a.PrivateIp is not null)).ToList();
        if (usable.Count > 0)
            return new RegionalNatChoice(usable.FirstOrDefault(a => a.IsPrimary) ?? usable[0], usable, false, null);

        var covered = string.Join(", ", nat.Addresses.Select(a => a.AvailabilityZone ?? a.AvailabilityZoneId).OfType<string>().Distinct(StringComparer.Ordinal).OrderBy(z => z, StringComparer.Ordinal));
        var why = inAz.Count > 0
            ? $"{nat.NatGatewayId}'s address in {sourceSubnet.AvailabilityZone} is {string.Join(", ", inAz.Select(a => a.Status ?? "without an address"))}"
            : $"{nat.NatGatewayId} has no address in {sourceSubnet.AvailabilityZone} (it serves {(covered.Length == 0 ? "no AZ" : covered)})";
        if (!nat.ExpandsAutomatically && nat.AutoProvisionZones is not null)
            return new RegionalNatChoice(null, Array.Empty<NatGatewayAddress>(), true,
                $"{why}; in manual mode it serves only the AZs given addresses, so traffic from {sourceSubnet.SubnetId} is dropped (R-NAT-5).");
        return new RegionalNatChoice(null, Array.Empty<NatGatewayAddress>(), false,
            nat.ExpandsAutomatically
                ? $"{why}; in automatic mode AWS expands it into AZs where the VPC has workloads, which had not happened when the snapshot was taken (R-NAT-5)."
                : $"{why}, and the snapshot does not say whether it expands automatically (AutoProvisionZones) (R-NAT-5).");
    }
}
