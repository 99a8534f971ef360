using System.Globalization;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Fixes;

// Fixes for the blocks of issue 10: a transit gateway policy table no rule of which matches (R-TGW-23), VPC Block Public
// Access (R-BPA-2/3), and a regional NAT gateway without an address in the source's AZ (R-NAT-5).
internal sealed partial class FixContext
{
    /// <summary>
    /// A rule for exactly the blocked packet, after the table's existing rules (so it changes nothing they decide), naming a
    /// route table of the same transit gateway that routes the destination on: one the policy table already uses first.
    /// </summary>
    private IEnumerable<PathFix> PolicyNoMatchFix(PacketBlocker blocker)
    {
        var packet = blocker.Packet;
        var tableId = blocker.Hop.TransitGatewayPolicyTableId ?? blocker.Component!;
        var tgw = blocker.TransitGatewayId ?? (_model.TransitGatewayPolicyTables.TryGetValue(tableId, out var pt) ? pt.TransitGatewayId : null);
        var entries = _model.TransitGatewayPolicyTableEntries.GetValueOrDefault(tableId) ?? Array.Empty<TransitGatewayPolicyTableEntry>();
        var used = entries.Where(e => e.IsActive).Select(e => e.TargetRouteTableId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var target = _model.TransitGatewayRouteTables.Values.Where(t => t.TransitGatewayId == tgw)
            .OrderBy(t => used.Contains(t.TransitGatewayRouteTableId) ? 0 : 1).ThenBy(t => t.TransitGatewayRouteTableId, StringComparer.Ordinal)
            .FirstOrDefault(t => TgwRouteResolver.Lookup(_model, t.TransitGatewayRouteTableId, packet.Destination).Best is { } best
                && best.Route.IsActive && !best.Route.IsBlackhole && best.Route.Targets.Count > 0);
        if (tgw is null || target is null)
            return new[] { Structural(blocker, tableId, $"No route table of {tgw ?? "the transit gateway"} routes {packet.Destination} on, so a policy rule has no table to name; add the route first.", null) };

        static PortRange? Exact(PortSet ports) => ports.Ranges.Count == 1 && !ports.Ranges[0].Equals(PortRange.All) ? ports.Ranges[0] : null;
        var hasPorts = IpProtocol.HasPorts(packet.Protocol);
        var rule = new TransitGatewayPolicyRule(Cidr.Host(packet.Source), Cidr.Host(packet.Destination), packet.Protocol,
            hasPorts ? Exact(packet.SourcePorts) : null, hasPorts ? Exact(blocker.DeniedPorts.IsEmpty ? packet.DestinationPorts : blocker.DeniedPorts) : null, null, null);
        var number = entries.Count == 0 ? 100 : entries.Max(e => e.PolicyRuleNumber) + 1;
        var entry = new TransitGatewayPolicyTableEntry(tableId, number, rule, target.TransitGatewayRouteTableId, "active");
        var region = _model.TransitGatewayPolicyTables.TryGetValue(tableId, out var table) ? table.Origin.Region ?? blocker.Region : blocker.Region;
        var command = $"New-EC2TransitGatewayPolicyTableEntry -TransitGatewayPolicyTableId {tableId} -PolicyRuleNumber {number.ToString(CultureInfo.InvariantCulture)}"
            + $" -TargetRouteTableId {target.TransitGatewayRouteTableId} -PolicyRule_SourceCidrBlock {rule.SourceCidr} -PolicyRule_DestinationCidrBlock {rule.DestinationCidr}"
            + $" -PolicyRule_Protocol {packet.Protocol.ToString(CultureInfo.InvariantCulture)}"
            + $" -PolicyRule_SourcePortRange {AwsToolsText.Quote(rule.SourcePorts?.ToString() ?? "*")} -PolicyRule_DestinationPortRange {AwsToolsText.Quote(rule.DestinationPorts?.ToString() ?? "*")}"
            + AwsToolsText.RegionArgument(region);
        return new[]
        {
            new PathFix
            {
                Round = _round,
                Kind = PathFixKind.TransitGatewayPolicyTableEntry,
                Command = command,
                Change = $"add {entry.Text} to {tableId}, after its other rules",
                Note = $"{blocker.TransitGatewayAttachmentId} is associated with {tableId}, whose rules pick the route table (R-TGW-22); {target.TransitGatewayRouteTableId} routes {packet.Destination} on"
                    + (used.Contains(target.TransitGatewayRouteTableId) ? " and is already used by the table's other rules" : "")
                    + "; the flattened -PolicyRule_* parameter names follow AWS.Tools' convention (UNCONFIRMED for this cmdlet)",
                Edit = new AddTransitGatewayPolicyTableEntry(entry),
                ResourceId = tableId, TransitGatewayId = tgw, TransitGatewayRouteTableId = target.TransitGatewayRouteTableId,
                TransitGatewayAttachmentId = blocker.TransitGatewayAttachmentId, Region = region,
            }.WithFlow(this, blocker),
        };
    }

    /// <summary>
    /// R-BPA-3: an exclusion on the subnet whose interface meets the gateway (the VPC for a regional NAT gateway):
    /// allow-egress where the connection is made outwards under block-bidirectional, else allow-bidirectional.
    /// </summary>
    private IEnumerable<PathFix> BlockPublicAccessFix(PacketBlocker blocker)
    {
        var vpcId = blocker.VpcId;
        var vpc = vpcId is not null && _model.Vpcs.TryGetValue(vpcId, out var v) ? v : null;
        var options = _model.BlockPublicAccessFor(vpc?.OwnerId ?? vpc?.Origin.OwnerId, vpc?.Origin.Region);
        if (vpcId is null || options is null)
            return new[] { Structural(blocker, vpcId, $"The VPC or its Block Public Access settings are not in the snapshot.", null) };
        if (!options.ExclusionsApply)
            return new[] { Structural(blocker, vpcId, $"Exclusions are not allowed for account {options.AwsAccountId} (ExclusionsAllowed not-allowed, an AWS Organizations policy); only the organization can change the mode.", null) };
        var packet = blocker.Packet;
        bool leaving = _model.NetworkInterfacesWithAddress(packet.Source).Any(e => e.VpcId == vpcId)
            || _model.NatGateways.Values.Any(n => n.VpcId == vpcId && n.Addresses.Any(a => a.PublicIp == packet.Source));
        bool initiatedInside = (blocker.Direction == WalkDirection.Forward) == leaving;
        var mode = initiatedInside && options.InternetGatewayBlockMode == "block-bidirectional" ? "allow-egress" : "allow-bidirectional";
        var subnetId = blocker.SubnetId;
        var resource = subnetId ?? vpcId;
        var region = options.AwsRegion ?? blocker.Region;
        var existing = _model.VpcBlockPublicAccessExclusions.Values.FirstOrDefault(e => (e.SubnetId ?? e.VpcId) == resource && e.InEffect);
        if (existing is not null)
            return new[]
            {
                new PathFix
                {
                    Round = _round,
                    Kind = PathFixKind.BlockPublicAccessExclusion,
                    Command = $"Edit-EC2VpcBlockPublicAccessExclusion -ExclusionId {existing.ExclusionId} -InternetGatewayExclusionMode {mode}{AwsToolsText.RegionArgument(region)}",
                    Change = $"change exclusion {existing.ExclusionId} on {resource} from {existing.InternetGatewayExclusionMode} to {mode}",
                    Note = $"Block Public Access is {options.InternetGatewayBlockMode} for the account in {region}; {existing.InternetGatewayExclusionMode} does not admit this traffic (R-BPA-3)",
                    Edit = new ModifyBlockPublicAccessExclusion(existing.ExclusionId, mode),
                    ResourceId = existing.ExclusionId, VpcId = vpcId, SubnetId = subnetId, Region = region, OwnerId = options.AwsAccountId,
                }.WithFlow(this, blocker),
            };
        var exclusion = new VpcBlockPublicAccessExclusion($"vpcbpa-exclude-packetwalk-{resource}", mode,
            $"arn:aws:ec2:{region ?? "region"}:{options.AwsAccountId ?? "account"}:{(subnetId is null ? "vpc" : "subnet")}/{resource}",
            subnetId is null ? vpcId : null, subnetId, "create-complete", ResourceOrigin.Unknown);
        return new[]
        {
            new PathFix
            {
                Round = _round,
                Kind = PathFixKind.BlockPublicAccessExclusion,
                Command = $"New-EC2VpcBlockPublicAccessExclusion -{(subnetId is null ? "VpcId" : "SubnetId")} {resource} -InternetGatewayExclusionMode {mode}{AwsToolsText.RegionArgument(region)}",
                Change = $"exclude {(subnetId is null ? "VPC" : "subnet")} {resource} from VPC Block Public Access with {mode}",
                Note = $"Block Public Access is {options.InternetGatewayBlockMode} for the account in {region}; the exclusion exempts every resource in {resource}, so make sure that is intended (R-BPA-3)"
                    + (subnetId is null ? "; a regional NAT gateway has no subnet, so only a VPC exclusion applies to it" : ""),
                Edit = new AddBlockPublicAccessExclusion(exclusion),
                ResourceId = resource, VpcId = vpcId, SubnetId = subnetId, Region = region, OwnerId = options.AwsAccountId,
            }.WithFlow(this, blocker),
        };
    }

    /// <summary>R-NAT-5: giving a regional NAT gateway an address in another AZ (or automatic mode) is a design and cost choice.</summary>
    private IEnumerable<PathFix> RegionalNatAzFix(PacketBlocker blocker)
    {
        var natId = blocker.Component!;
        var az = blocker.Hop.AvailabilityZone ?? "the source's Availability Zone";
        return new[]
        {
            Structural(blocker, natId,
                $"{natId} is a regional NAT gateway in manual mode with no usable address in {az} (R-NAT-5).",
                $"give it an Elastic IP in {az} (AssociateNatGatewayAddress with the zone; parameter names UNCONFIRMED), switch it to automatic mode, or route {az}'s subnets to a NAT gateway that serves the zone"),
        };
    }
}
