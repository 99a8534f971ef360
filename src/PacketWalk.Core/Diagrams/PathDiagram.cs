using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Diagrams;

public enum DiagramFormat { Mermaid, Dot, Svg }

public enum DiagramNodeKind
{
    /// <summary>An ENI that received the packet (instance, TGW attachment, endpoint, …).</summary>
    Interface,
    TransitGateway,
    /// <summary>Any other hop that is a place rather than a check: peering connection, internet or NAT gateway, endpoint.</summary>
    Gateway,
    /// <summary>Where the packet was dropped (or, for an ambiguous verdict, where it may be).</summary>
    Blocked,
    /// <summary>Where a packet that was not dropped may still fail (Ambiguous, Unknown on a path that went on).</summary>
    Warning,
}

/// <summary>A box on the diagram. Interfaces and markers sit in a subnet; transit gateways and gateways stand alone.</summary>
public sealed record DiagramNode(string Id, DiagramNodeKind Kind, IReadOnlyList<string> Lines, string? SubnetId, string? VpcId, string? AvailabilityZone)
{
    /// <summary>True for an interface of a transit gateway attachment: the layout puts its subnet on the side facing the TGW.</summary>
    public bool IsAttachment { get; init; }
    /// <summary>For a marker outside any subnet: the standalone node (a transit gateway) it is drawn beside.</summary>
    public string? Beside { get; init; }
}

public sealed record DiagramSubnet(string SubnetId, string? VpcId, string? AvailabilityZone, string? Name, string? Cidr);

public sealed record DiagramVpc(string VpcId, string? Name, string? Cidr);

/// <summary>An arrow: the packet moving from one place to the next, numbered in its own direction (F1…, R1…).</summary>
public sealed record DiagramEdge(string From, string To, WalkDirection Direction, int Step, bool Blocked)
{
    /// <summary>"F3" for the third forward move, "R1" for the first return move; empty for a marker's connector (step 0).</summary>
    public string Label => Step == 0 ? "" : $"{(Direction == WalkDirection.Forward ? "F" : "R")}{Step}";
}

/// <summary>
/// A walk as a picture, independent of the drawing format: VPCs, subnets grouped by Availability Zone, the ENIs that received
/// the packet, transit gateways, forward and return arrows, and a marker where the packet stopped. Built from the hops alone
/// (each carries its VPC, subnet and AZ); a snapshot, when given, adds names, CIDRs and addresses to the labels.
/// </summary>
public sealed class PathDiagram
{
    private PathDiagram(string title, string verdictLine, PathVerdict verdict, IReadOnlyList<DiagramVpc> vpcs, IReadOnlyList<DiagramSubnet> subnets,
        IReadOnlyList<DiagramNode> nodes, IReadOnlyList<DiagramEdge> edges)
    {
        Title = title; VerdictLine = verdictLine; Verdict = verdict; Vpcs = vpcs; Subnets = subnets; Nodes = nodes; Edges = edges;
    }

    public string Title { get; }
    public string VerdictLine { get; }
    public PathVerdict Verdict { get; }
    /// <summary>In order of first appearance on the path (forward, then return).</summary>
    public IReadOnlyList<DiagramVpc> Vpcs { get; }
    public IReadOnlyList<DiagramSubnet> Subnets { get; }
    public IReadOnlyList<DiagramNode> Nodes { get; }
    public IReadOnlyList<DiagramEdge> Edges { get; }

    public string Render(DiagramFormat format) => format switch
    {
        DiagramFormat.Mermaid => MermaidWriter.Write(this),
        DiagramFormat.Dot => DotWriter.Write(this),
        DiagramFormat.Svg => SvgWriter.Write(this),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Mermaid, Dot or Svg."),
    };

    public static PathDiagram Build(PacketPathResult result, NetworkModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var builder = new Builder(result, model);
        builder.Walk(WalkDirection.Forward);
        builder.Walk(WalkDirection.Return);
        builder.EnsureMarker();
        return builder.Finish();
    }

    private sealed class Builder
    {
        private readonly PacketPathResult _result;
        private readonly NetworkModel? _model;
        private readonly Dictionary<string, DiagramNode> _nodes = new(StringComparer.Ordinal);
        private readonly List<string> _nodeOrder = new();
        private readonly Dictionary<string, DiagramSubnet> _subnets = new(StringComparer.Ordinal);
        private readonly List<string> _subnetOrder = new();
        private readonly List<string> _vpcOrder = new();
        private readonly List<DiagramEdge> _edges = new();

        public Builder(PacketPathResult result, NetworkModel? model) { _result = result; _model = model; }

        public void Walk(WalkDirection direction)
        {
            var hops = _result.Hops.Where(h => h.Direction == direction).OrderBy(h => h.Sequence).ToList();
            if (hops.Count == 0) return;
            string? last = null;
            int step = 0;
            void MoveTo(string id, bool blocked)
            {
                if (last == id) return;
                if (last is not null) _edges.Add(new DiagramEdge(last, id, direction, ++step, blocked));
                last = id;
            }

            // Where the packet was when it met the component the verdict names (for a verdict on a path that went on).
            string? anchor = null;
            PacketHop? named = null;
            foreach (var hop in hops)
            {
                if (_result.BlockedDirection == direction && _result.BlockedAt is { } at && hop.Component == at) { anchor = last; named = hop; }
                if (!hop.Passed)
                {
                    // The deciding hop. A source-side drop (its own SG egress) still starts at the source ENI.
                    if (last is null && hop.NetworkInterfaceId is { } own && hop.Step is HopStep.SecurityGroupEgress or HopStep.SourceInterface or HopStep.SourceDestinationCheck)
                        MoveTo(AddInterface(own, hop), false);
                    // The packet did reach the deciding place when the result lists it on the path (a reply delivered
                    // to the wrong interface, an endpoint that refuses to start traffic).
                    else if (hop.NetworkInterfaceId is { } reached && OnPath(reached, direction)) MoveTo(AddInterface(reached, hop), false);
                    else if (hop.Component is { } place && !place.StartsWith("eni-", StringComparison.Ordinal) && OnPath(place, direction))
                        MoveTo(AddStandalone(place, DiagramNodeKind.Gateway, hop), false);
                    // A drop in a transit gateway route table happens inside the gateway: the packet got that far.
                    if (IsAtGateway(hop)) MoveTo(AddStandalone(hop.TransitGatewayId ?? hop.Component, DiagramNodeKind.TransitGateway, hop), false);
                    MoveTo(AddMarker(hop, direction, DiagramNodeKind.Blocked), true);
                    return;
                }
                if (PointOf(hop) is { } point) MoveTo(point, false);
            }

            // The path went on, but the verdict still names a component on this leg (ports narrowed on the reply: Ambiguous).
            if (named is not null)
            {
                var marker = AddMarker(named, direction, DiagramNodeKind.Warning);
                if ((anchor ?? last) is { } from) _edges.Add(new DiagramEdge(from, marker, direction, 0, true));
            }
        }

        /// <summary>The place a passing hop puts the packet at, or null for a check made on the way (route lookup, NACL).</summary>
        private string? PointOf(PacketHop hop)
        {
            switch (hop.Step)
            {
                case HopStep.RouteLookup or HopStep.NaclOutbound or HopStep.NaclInbound or HopStep.SameSubnet or HopStep.GatewayRouteTable:
                    return null;
                case HopStep.TgwRouteTable:
                    return AddStandalone(hop.TransitGatewayId ?? hop.Component, DiagramNodeKind.TransitGateway, hop);
                case HopStep.Edge:
                    // Where the packet leaves the estate (VPN or Direct Connect attachment, virtual private gateway).
                    return AddEdge(hop);
            }
            if (hop.NetworkInterfaceId is { } eni) return AddInterface(eni, hop);
            // Whatever else the result lists on a path is a place: a TGW peering attachment crossed, an attachment or
            // gateway a walk starts or ends at, a peering connection, gateway, endpoint.
            if (hop.Component is { } component && OnPath(component)) return AddStandalone(component, DiagramNodeKind.Gateway, hop);
            var gateway = hop.VpcPeeringConnectionId ?? hop.InternetGatewayId ?? hop.EgressOnlyInternetGatewayId ?? hop.NatGatewayId ?? hop.VpcEndpointId;
            if (gateway is not null) return AddStandalone(gateway, DiagramNodeKind.Gateway, hop);
            if (hop.TransitGatewayId is { } tgw) return AddStandalone(tgw, DiagramNodeKind.TransitGateway, hop);
            return null;
        }

        private string AddInterface(string eniId, PacketHop hop)
        {
            if (_nodes.ContainsKey(eniId)) return eniId;
            var eni = _model is not null && _model.NetworkInterfaces.TryGetValue(eniId, out var e) ? e : null;
            var subnetId = hop.SubnetId ?? eni?.SubnetId;
            var vpcId = hop.VpcId ?? eni?.VpcId;
            var az = hop.AvailabilityZone ?? eni?.AvailabilityZone;
            var attachment = hop.Step is HopStep.TgwAttachmentEntry or HopStep.TgwAttachmentExit ? hop.TransitGatewayAttachmentId : null;
            attachment ??= eni?.TransitGatewayAttachmentId;

            var lines = new List<string> { eniId };
            var instanceId = hop.InstanceId ?? eni?.InstanceId;
            if (instanceId is not null)
            {
                var name = _model is not null && _model.Instances.TryGetValue(instanceId, out var instance) ? instance.Name : null;
                lines.Add(name is null ? instanceId : $"{name} {instanceId}");
            }
            else if (attachment is not null) lines.Add($"attachment {attachment}");
            else if (eni?.Description is { Length: > 0 } description) lines.Add(description.Length > 48 ? description[..47] + "…" : description);
            var address = eni?.PrimaryPrivateIp?.ToString() ?? AddressFromResult(eniId);
            if (address is not null) lines.Add(address);

            AddSubnet(subnetId, vpcId, az);
            Add(new DiagramNode(eniId, DiagramNodeKind.Interface, lines, subnetId, vpcId, az) { IsAttachment = attachment is not null });
            return eniId;
        }

        /// <summary>Without a snapshot, the result still knows the two endpoints' addresses.</summary>
        private string? AddressFromResult(string eniId)
        {
            var forward = _result.ForwardPath;
            if (forward.Count > 0 && forward[0] == eniId) return _result.SourceAddress;
            if (forward.Count > 1 && forward[^1] == eniId && _result.Hops.Any(h => h.Step == HopStep.Destination && h.NetworkInterfaceId == eniId && h.Direction == WalkDirection.Forward))
                return _result.DestinationAddress;
            return null;
        }

        private string AddStandalone(string? id, DiagramNodeKind kind, PacketHop hop)
        {
            id ??= kind.ToString();
            if (_nodes.ContainsKey(id)) return id;
            var title = kind == DiagramNodeKind.TransitGateway ? "Transit gateway" : hop.Step switch
            {
                HopStep.TgwPeering => "Transit gateway peering",
                HopStep.VpcPeering => "VPC peering",
                HopStep.InternetGateway => "Internet gateway",
                HopStep.EgressOnlyInternetGateway => "Egress-only internet gateway",
                HopStep.NatGateway => "NAT gateway",
                HopStep.GatewayEndpoint or HopStep.InterfaceEndpoint => "VPC endpoint",
                _ => id switch
                {
                    _ when id.StartsWith("tgw-attach-", StringComparison.Ordinal) => "Transit gateway attachment",
                    _ when id.StartsWith("igw-", StringComparison.Ordinal) => "Internet gateway",
                    _ when id.StartsWith("eigw-", StringComparison.Ordinal) => "Egress-only internet gateway",
                    _ when id.StartsWith("nat-", StringComparison.Ordinal) => "NAT gateway",
                    _ when id.StartsWith("pcx-", StringComparison.Ordinal) => "VPC peering",
                    _ when id.StartsWith("vpce-", StringComparison.Ordinal) => "VPC endpoint",
                    _ => hop.Step.ToString(),
                },
            };
            var lines = new List<string> { title, id };
            if (kind == DiagramNodeKind.TransitGateway)
                foreach (var table in _result.Hops.Where(h => h.Step == HopStep.TgwRouteTable && (h.TransitGatewayId ?? h.Component) == id)
                             .Select(h => h.TransitGatewayRouteTableId ?? h.Component).Where(t => t is not null).Distinct())
                    lines.Add($"route table {table}");
            Add(new DiagramNode(id, kind, lines, null, null, null));
            return id;
        }

        private string AddEdge(PacketHop hop)
        {
            var id = hop.Component ?? hop.VpnGatewayId ?? hop.VpnConnectionId ?? "edge";
            if (_nodes.ContainsKey(id)) return id;
            var title = hop.VpnConnectionId is not null ? "Site-to-Site VPN (edge)"
                : hop.VpnGatewayId is not null || id.StartsWith("vgw-", StringComparison.Ordinal) ? "Virtual private gateway (edge)"
                : "Edge of the estate";
            var lines = new List<string> { title, id };
            if (hop.VpnConnectionId is { } vpn && vpn != id) lines.Add(vpn);
            lines.Add("on-premises: out of scope");
            Add(new DiagramNode(id, DiagramNodeKind.Gateway, lines, null, null, null));
            return id;
        }

        private string AddMarker(PacketHop hop, WalkDirection direction, DiagramNodeKind kind)
        {
            var id = $"{(kind == DiagramNodeKind.Blocked ? "blocked" : "warning")}-{direction.ToString().ToLowerInvariant()}";
            var at = _result.BlockedDirection == direction && _result.BlockedAt is not null ? _result.BlockedAt : hop.Component ?? hop.Step.ToString();
            // A warning is about ports narrowed on the reply only when the result says so; otherwise it names the verdict.
            var narrowed = kind == DiagramNodeKind.Warning && _result.ReturnPortsAllowed is not null && _result.Reason == "SUBNET_ACL_RESTRICTION";
            var verdict = kind == DiagramNodeKind.Blocked ? hop.Decision switch
            {
                HopDecision.Unknown => "unknown at",
                HopDecision.Ambiguous => "ambiguous at",
                _ => "blocked at",
            } : narrowed ? "narrowed at" : _result.Verdict == PathVerdict.Unknown ? "unknown at" : "ambiguous at";
            var lines = new List<string> { $"{(kind == DiagramNodeKind.Blocked ? "✖" : "⚠")} {direction}: {verdict} {at}" };
            var reason = _result.BlockedDirection == direction ? _result.Reason ?? hop.Reason : hop.Reason;
            if (reason is not null) lines.Add(reason);
            var rule = _result.BlockedDirection == direction ? _result.Rule ?? hop.Rule : hop.Rule;
            if (rule is not null) lines.AddRange(Wrap(rule, 52));
            if (narrowed) lines.Add($"replies reach client ports {_result.ReturnPortsAllowed} only");

            // A drop at a transit gateway route table belongs with the gateway, not with a subnet.
            var atGateway = IsAtGateway(hop);
            var subnetId = atGateway ? null : hop.SubnetId;
            var vpcId = atGateway ? null : hop.VpcId;
            var az = atGateway ? null : hop.AvailabilityZone;
            var beside = atGateway ? AddStandalone(hop.TransitGatewayId ?? hop.Component, DiagramNodeKind.TransitGateway, hop) : null;
            AddSubnet(subnetId, vpcId, az);
            Add(new DiagramNode(id, kind, lines, subnetId, vpcId, az) { Beside = beside });
            return id;
        }

        private bool OnPath(string id, WalkDirection? direction = null) =>
            (direction != WalkDirection.Return && _result.ForwardPath.Contains(id)) || (direction != WalkDirection.Forward && _result.ReturnPath.Contains(id));

        private static bool IsAtGateway(PacketHop hop) =>
            hop.Step == HopStep.TgwRouteTable || (hop.SubnetId is null && hop.NetworkInterfaceId is null && hop.TransitGatewayId is not null);

        private void AddSubnet(string? subnetId, string? vpcId, string? az)
        {
            if (vpcId is not null && !_vpcOrder.Contains(vpcId)) _vpcOrder.Add(vpcId);
            if (subnetId is null || _subnets.ContainsKey(subnetId)) return;
            var subnet = _model is not null && _model.Subnets.TryGetValue(subnetId, out var s) ? s : null;
            _subnets[subnetId] = new DiagramSubnet(subnetId, vpcId ?? subnet?.VpcId, az ?? subnet?.AvailabilityZone, subnet?.Name, subnet?.CidrBlock?.ToString());
            _subnetOrder.Add(subnetId);
        }

        private void Add(DiagramNode node)
        {
            _nodes[node.Id] = node;
            _nodeOrder.Add(node.Id);
        }

        /// <summary>
        /// A verdict that is not Reachable always gets a marker. When no hop stopped the packet and none on the blocked
        /// leg is the named component (an appliance passed one way only), the marker goes beside that component.
        /// </summary>
        public void EnsureMarker()
        {
            if (_result.Verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge) return;
            if (_nodes.Values.Any(n => n.Kind is DiagramNodeKind.Blocked or DiagramNodeKind.Warning)) return;
            var direction = _result.BlockedDirection ?? WalkDirection.Forward;
            var hop = _result.Hops.LastOrDefault(h => h.Component == _result.BlockedAt || h.NetworkInterfaceId == _result.BlockedAt)
                ?? _result.Hops.LastOrDefault(h => h.Direction == direction) ?? _result.Hops.LastOrDefault();
            if (hop is null) return;
            var marker = AddMarker(hop, direction, DiagramNodeKind.Warning);
            if (_result.BlockedAt is { } at && _nodes.ContainsKey(at)) _edges.Add(new DiagramEdge(at, marker, direction, 0, true));
        }

        public PathDiagram Finish()
        {
            var vpcs = _vpcOrder.Select(id =>
            {
                var vpc = _model is not null && _model.Vpcs.TryGetValue(id, out var v) ? v : null;
                return new DiagramVpc(id, vpc?.Name, vpc?.CidrBlocks.Count > 0 ? string.Join(", ", vpc.CidrBlocks) : null);
            }).ToList();
            var packet = _result.Port is { } port ? $"{_result.Protocol}/{port}"
                : _result.IcmpType is { } type ? $"{_result.Protocol} type {type}{(_result.IcmpCode is { } code ? $" code {code}" : "")}" : _result.Protocol;
            var title = $"{_result.Source} ({_result.SourceAddress}) → {_result.Destination} ({_result.DestinationAddress}) {packet}";
            var verdictLine = _result.Verdict + (_result.BlockedAt is null ? "" : $": {_result.BlockedDirection} at {_result.BlockedAt} ({_result.Reason})");
            return new PathDiagram(title, verdictLine, _result.Verdict, vpcs, _subnetOrder.Select(id => _subnets[id]).ToList(),
                _nodeOrder.Select(id => _nodes[id]).ToList(), _edges);
        }

        private static IEnumerable<string> Wrap(string text, int width)
        {
            var line = new System.Text.StringBuilder();
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width) { yield return line.ToString(); line.Clear(); }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            if (line.Length > 0) yield return line.ToString();
        }
    }
}
