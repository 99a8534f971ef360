using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

// VPC Block Public Access at each internet-gateway and egress-only-gateway crossing (R-BPA-1..6). It is checked first at
// the gateway — before the subnet's NACL on the way out, before the gateway's own checks and any route, NACL or group of
// the VPC on the way in — and is judged per connection: a reply crosses the way its request was allowed to.
public sealed partial class PacketWalker
{
    /// <summary>
    /// Null when Block Public Access lets the packet through (with an Info hop when a mode or exclusion decided it);
    /// otherwise the stop. <paramref name="owner"/> is the interface whose address meets the gateway (the instance, or the
    /// NAT gateway's interface); its subnet's exclusion applies, or only the VPC's when <paramref name="subnetless"/>
    /// (a regional NAT gateway has no subnet).
    /// </summary>
    private LegOutcome? CheckBlockPublicAccess(WalkDirection direction, HopStep step, string gatewayId, string vpcId, NetworkInterface? owner, string? fallbackSubnetId,
        InternetPath path, bool initiatedInside, Packet packet, Trace trace, bool subnetless = false)
    {
        _model.Vpcs.TryGetValue(vpcId, out var vpc);
        var options = _model.BlockPublicAccessFor(vpc?.OwnerId ?? vpc?.Origin.OwnerId, vpc?.Origin.Region);
        var subnetId = subnetless ? null : owner?.SubnetId ?? fallbackSubnetId;
        var decision = BlockPublicAccessEvaluator.Evaluate(options, _model.BlockPublicAccessExclusionsFor(vpcId, subnetId), initiatedInside, path, vpcId, subnetId);
        if (decision.SettingsMissing && _model.WhyUnreadable(ResourceKinds.VpcBlockPublicAccess) is { } denied)
            // Live: the settings could not be read, so whether they block this crossing is unknown (never assumed off).
            return StopAt(direction, step, trace, packet, owner is null ? null : _model.Subnets.GetValueOrDefault(owner.SubnetId), null, OutcomeKind.Unknown, gatewayId,
                "VPC_BLOCK_PUBLIC_ACCESS_ENABLED", $"{denied.Action} was denied",
                $"The VPC Block Public Access settings could not be read ({denied.Action} was denied), so whether they block this crossing of {gatewayId} is unknown (R-BPA-1).",
                igwId: step == HopStep.InternetGateway ? gatewayId : null, eigwId: step == HopStep.EgressOnlyInternetGateway ? gatewayId : null, vpcId: vpcId);
        if (decision.SettingsMissing)
        {
            // Only a snapshot that read the settings somewhere shows a gap here; one that never read them is taken as off silently.
            if (_model.VpcBlockPublicAccessOptions.Count > 0)
                trace.Note($"VPC Block Public Access settings for {vpc?.OwnerId ?? "the account"} in {vpc?.Origin.Region ?? "this region"} are not in the snapshot; taken as off (describe-vpc-block-public-access-options)");
            return null;
        }
        var subnet = subnetId is not null && _model.Subnets.TryGetValue(subnetId, out var s) ? s : null;
        string? igwId = step == HopStep.InternetGateway ? gatewayId : null, eigwId = step == HopStep.EgressOnlyInternetGateway ? gatewayId : null;
        switch (decision.Verdict)
        {
            case BlockPublicAccessVerdict.Allowed:
                if (!options!.IsOff)
                    trace.Hops.Add(Hop(direction, step, null, subnet, packet, HopDecision.Allow, gatewayId, decision.Rule, null,
                        $"{decision.Explanation} (R-BPA-2/3)", internetGatewayId: igwId, egressOnlyId: eigwId, vpcId: vpcId));
                return null;
            default:
                var kind = decision.Verdict switch
                {
                    BlockPublicAccessVerdict.Blocked => OutcomeKind.Blocked,
                    BlockPublicAccessVerdict.Ambiguous => OutcomeKind.Ambiguous,
                    _ => OutcomeKind.Unknown,
                };
                return StopAt(direction, step, trace, packet, subnet, null, kind, gatewayId, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED", decision.Rule,
                    $"{decision.Explanation} (R-BPA-1..5)", igwId: igwId, eigwId: eigwId, vpcId: vpcId);
        }
    }

    /// <summary>The interface in <paramref name="vpcId"/> that owns <paramref name="address"/>, and whether it is a NAT gateway's.</summary>
    private (NetworkInterface? Owner, InternetPath Path) InternetUser(string vpcId, Net.IpAddress address)
    {
        var owner = _model.NetworkInterfacesWithAddress(address).FirstOrDefault(e => e.VpcId == vpcId);
        return (owner, owner is not null && _addresses.NatGatewayOf(owner) is not null ? InternetPath.NatGateway : InternetPath.Direct);
    }
}
