namespace PacketWalk.Core.Diagrams;

/// <summary>The containment the writers draw: VPC → Availability Zone → subnet → nodes, plus the nodes outside any VPC.</summary>
internal static class DiagramGrouping
{
    internal sealed record SubnetGroup(DiagramSubnet Subnet, IReadOnlyList<DiagramNode> Nodes);
    internal sealed record ZoneGroup(string? Zone, IReadOnlyList<SubnetGroup> Subnets);
    /// <summary>Vpc is null for the group of nodes that belong to no VPC (transit gateways, gateways, unplaced markers).</summary>
    internal sealed record VpcGroup(DiagramVpc? Vpc, IReadOnlyList<ZoneGroup> Zones, IReadOnlyList<DiagramNode> Loose);

    public static IReadOnlyList<VpcGroup> ByVpc(PathDiagram diagram)
    {
        var groups = new List<VpcGroup>();
        foreach (var vpc in diagram.Vpcs)
            groups.Add(new VpcGroup(vpc, Zones(diagram, s => s.VpcId == vpc.VpcId),
                diagram.Nodes.Where(n => n.SubnetId is null && n.VpcId == vpc.VpcId).ToList()));
        var knownVpcs = diagram.Vpcs.Select(v => v.VpcId).ToHashSet(StringComparer.Ordinal);
        var outside = new VpcGroup(null, Zones(diagram, s => s.VpcId is null || !knownVpcs.Contains(s.VpcId)),
            diagram.Nodes.Where(n => n.SubnetId is null && (n.VpcId is null || !knownVpcs.Contains(n.VpcId))).ToList());
        if (outside.Zones.Count > 0 || outside.Loose.Count > 0) groups.Add(outside);
        return groups;
    }

    private static IReadOnlyList<ZoneGroup> Zones(PathDiagram diagram, Func<DiagramSubnet, bool> inGroup) =>
        diagram.Subnets.Where(inGroup)
            .GroupBy(s => s.AvailabilityZone)
            .OrderBy(g => g.Key ?? "\uffff", StringComparer.Ordinal)
            .Select(g => new ZoneGroup(g.Key, g.Select(s => new SubnetGroup(s, diagram.Nodes.Where(n => n.SubnetId == s.SubnetId).ToList())).ToList()))
            .ToList();

    public static string VpcLabel(DiagramVpc vpc) =>
        string.Join(" ", new[] { vpc.Name, vpc.VpcId, vpc.Cidr }.Where(s => !string.IsNullOrEmpty(s)));

    public static string SubnetLabel(DiagramSubnet subnet) =>
        string.Join(" ", new[] { subnet.Name, subnet.SubnetId, subnet.Cidr }.Where(s => !string.IsNullOrEmpty(s)));
}
