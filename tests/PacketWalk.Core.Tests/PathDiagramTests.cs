using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PacketWalk.Core.Diagrams;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

public class PathDiagramTests
{
    private const string HostA = "i-0a00000000000000a", HostB = "i-0b00000000000000b";

    private static PacketPathResult Walk(NetworkModel model, string source, string destination, int port = 443) =>
        new PacketWalker(model).Walk(new WalkRequest { Source = source, Destination = destination, Protocol = IpProtocol.Tcp, Port = port });

    private static NetworkModel Scenario(string name) =>
        ScenarioTests.ModelFor(Path.Combine(ScenarioTests.RepoRoot(), "tests", "scenarios", name));

    [Fact]
    public void The_seed_walk_becomes_the_packet_flow_figure()
    {
        var model = ReachabilityMatrixTests.Seed();
        var result = Walk(model, HostA, HostB);
        var d = PathDiagram.Build(result, model);

        // Every ENI of both paths is a box, in its subnet, VPC and AZ.
        foreach (var eni in result.ForwardPath.Concat(result.ReturnPath))
        {
            var node = Assert.Single(d.Nodes, n => n.Id == eni);
            Assert.Equal(DiagramNodeKind.Interface, node.Kind);
            Assert.Equal(model.NetworkInterfaces[eni].SubnetId, node.SubnetId);
            Assert.Equal(model.NetworkInterfaces[eni].AvailabilityZone, node.AvailabilityZone);
        }
        Assert.Equal(new[] { "vpc-0a000000000000001", "vpc-0b000000000000001" }, d.Vpcs.Select(v => v.VpcId));
        Assert.Single(d.Nodes, n => n.Kind == DiagramNodeKind.TransitGateway && n.Id == "tgw-0123456789abcdef0");
        Assert.DoesNotContain(d.Nodes, n => n.Kind is DiagramNodeKind.Blocked or DiagramNodeKind.Warning);

        // The seed's forward line, with the transit gateway between the attachment ENIs.
        Assert.Equal(new[] { "eni-084d826e4b1e0e190", "eni-02632fc1186f1e023", "tgw-0123456789abcdef0", "eni-09cd3bddbd4bb7b1b", "eni-0092f8e2d29917a4c" },
            Chain(d, WalkDirection.Forward));
        Assert.Equal(new[] { "eni-0092f8e2d29917a4c", "eni-05888d6f1ed0595bb", "tgw-0123456789abcdef0", "eni-062a260949710dda8", "eni-084d826e4b1e0e190" },
            Chain(d, WalkDirection.Return));
        Assert.Equal(new[] { "F1", "F2", "F3", "F4" }, d.Edges.Where(e => e.Direction == WalkDirection.Forward).Select(e => e.Label));
        Assert.Contains(d.Nodes, n => n.Lines.Contains("HOST-A i-0a00000000000000a"));
    }

    private static List<string> Chain(PathDiagram d, WalkDirection direction)
    {
        var edges = d.Edges.Where(e => e.Direction == direction && e.Step > 0).ToList();
        return edges.Select(e => e.From).Append(edges[^1].To).ToList();
    }

    [Fact]
    public void A_nacl_drop_ends_the_forward_chain_at_a_marker_in_the_subnet_of_that_nacl()
    {
        var model = Scenario("tgw-attachment-nacl-one-direction");
        var result = Walk(model, "i-0a000000000000a02", HostB);
        Assert.Equal(PathVerdict.Blocked, result.Verdict);
        var d = PathDiagram.Build(result, model);

        var marker = Assert.Single(d.Nodes, n => n.Kind == DiagramNodeKind.Blocked);
        Assert.Contains("acl-0b00000000000b0a1", marker.Lines[0]);
        Assert.Contains("SUBNET_ACL_RESTRICTION", marker.Lines);
        Assert.Equal("subnet-0b00000000000b0a1", marker.SubnetId);
        var last = d.Edges[^1];
        Assert.True(last.Blocked);
        Assert.Equal(marker.Id, last.To);
        Assert.Equal("eni-05888d6f1ed0595bb", last.From);
        Assert.DoesNotContain(d.Edges, e => e.Direction == WalkDirection.Return);
    }

    [Fact]
    public void A_blackhole_in_the_tgw_route_table_is_marked_beside_the_transit_gateway()
    {
        var model = Scenario("tgw-blackhole");
        var result = Walk(model, HostA, HostB);
        Assert.Equal("TGW_RTB_BAD_STATE_ROUTE", result.Reason);
        var d = PathDiagram.Build(result, model);
        var marker = Assert.Single(d.Nodes, n => n.Kind == DiagramNodeKind.Blocked);
        Assert.Null(marker.SubnetId);
        Assert.Equal("tgw-0123456789abcdef0", marker.Beside);
        Assert.Equal("tgw-0123456789abcdef0", d.Edges[^1].From);
    }

    [Fact]
    public void A_reply_narrowed_to_some_client_ports_gets_a_warning_marker_and_the_path_goes_on()
    {
        var model = Scenario("nacl-deny-reply-ephemeral");
        var result = Walk(model, HostA, "i-0b000000000000b02");
        Assert.Equal(PathVerdict.Ambiguous, result.Verdict);
        var d = PathDiagram.Build(result, model);
        var marker = Assert.Single(d.Nodes, n => n.Kind == DiagramNodeKind.Warning);
        Assert.Contains(marker.Lines, l => l.Contains("32768-40000"));
        // The connector starts where the reply was when the NACL narrowed it, not at the end of the return path.
        var connector = Assert.Single(d.Edges, e => e.To == marker.Id);
        Assert.Equal("eni-0b000000000000b02", connector.From);
        Assert.Equal("eni-084d826e4b1e0e190", Chain(d, WalkDirection.Return).Last(id => id.StartsWith("eni-")));
    }

    [Fact]
    public void A_walk_that_leaves_at_a_vpn_edge_ends_at_an_edge_box_and_comes_back_from_it()
    {
        var model = Scenario("tgw-vpn-dx-edges");
        var result = new PacketWalker(model).Walk(new WalkRequest { Source = HostA, Destination = "192.168.10.10", Protocol = IpProtocol.Tcp, Port = 443 });
        Assert.Equal(PathVerdict.ReachableToEdge, result.Verdict);
        var d = PathDiagram.Build(result, model);
        var edge = Assert.Single(d.Nodes, n => n.Id == result.EdgeId);
        Assert.Equal(DiagramNodeKind.Gateway, edge.Kind);
        Assert.Contains("on-premises: out of scope", edge.Lines);
        Assert.Equal(result.EdgeId, Chain(d, WalkDirection.Forward).Last());
        Assert.Equal(result.EdgeId, Chain(d, WalkDirection.Return).First());
        // Every id of both paths (ENIs and the edge attachment) is a box.
        foreach (var id in result.ForwardPath.Concat(result.ReturnPath)) Assert.Contains(d.Nodes, n => n.Id == id);
        Assert.DoesNotContain(d.Nodes, n => n.Kind is DiagramNodeKind.Blocked or DiagramNodeKind.Warning);
    }

    [Fact]
    public void A_walk_across_tgw_peering_draws_both_transit_gateways()
    {
        var model = Scenario("tgw-peering");
        var result = Walk(model, HostA, "i-0c00000000000000c");
        Assert.Equal(PathVerdict.Reachable, result.Verdict);
        var d = PathDiagram.Build(result, model);
        var chain = Chain(d, WalkDirection.Forward);
        var gateways = chain.Where(id => d.Nodes.Single(n => n.Id == id).Kind == DiagramNodeKind.TransitGateway).ToList();
        Assert.Equal(new[] { "tgw-0123456789abcdef0", "tgw-0e0e0e0e0e0e0e0e0" }, gateways);
        // Between them, the peering attachment the packet crosses.
        Assert.Equal("tgw-attach-0fe0fe0fe0fe0fe01", chain[chain.IndexOf(gateways[0]) + 1]);
        Assert.Equal(gateways[1], chain[chain.IndexOf(gateways[0]) + 2]);
        Assert.Equal(2, d.Vpcs.Count);
    }

    [Fact]
    public void Without_a_snapshot_the_hops_alone_place_every_interface()
    {
        var model = ReachabilityMatrixTests.Seed();
        var result = Walk(model, HostA, HostB);
        var d = PathDiagram.Build(result);
        foreach (var eni in result.ForwardPath.Concat(result.ReturnPath))
        {
            var node = Assert.Single(d.Nodes, n => n.Id == eni);
            Assert.NotNull(node.SubnetId);
            Assert.NotNull(node.AvailabilityZone);
        }
        Assert.Contains(d.Nodes, n => n.Lines.Contains("10.0.9.132"));   // the source address, from the result
        Assert.All(d.Vpcs, v => Assert.Null(v.Name));
    }

    [Fact]
    public void The_svg_is_well_formed_and_nests_interface_in_subnet_in_az_in_vpc()
    {
        var model = ReachabilityMatrixTests.Seed();
        var result = Walk(model, HostA, HostB);
        var svg = PathDiagram.Build(result, model).Render(DiagramFormat.Svg);
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", doc.Root!.Name);
        Assert.DoesNotContain("href", svg);   // self-contained: nothing to fetch

        var groups = doc.Descendants(ns + "g").Where(g => g.Attribute("data-id") is not null).ToList();
        Rect RectOf(string cls, string id) => Rect.Of(groups.Single(g => g.Attribute("class")!.Value.Split(' ').Contains(cls) && g.Attribute("data-id")!.Value == id).Element(ns + "rect")!);

        foreach (var eni in result.ForwardPath.Concat(result.ReturnPath).Distinct())
        {
            var e = model.NetworkInterfaces[eni];
            var node = RectOf("node", eni);
            var subnet = RectOf("subnet", e.SubnetId);
            Assert.True(subnet.Contains(node), $"{eni} lies outside its subnet box");
            var vpc = groups.Single(g => g.Attribute("class")!.Value == "vpc" && g.Attribute("data-id")!.Value == e.VpcId);
            var az = Rect.Of(vpc.Elements(ns + "g").Single(g => g.Attribute("class")!.Value == "az" && g.Attribute("data-id")!.Value == e.AvailabilityZone).Element(ns + "rect")!);
            Assert.True(az.Contains(subnet), $"{e.SubnetId} lies outside the {e.AvailabilityZone} box of {e.VpcId}");
            Assert.True(Rect.Of(vpc.Element(ns + "rect")!).Contains(az));
        }

        // Two arrow styles: forward solid, return dashed; one arrow per move.
        var lines = doc.Descendants(ns + "line").Where(l => (l.Attribute("class")?.Value ?? "").StartsWith("edge")).ToList();
        Assert.Equal(4, lines.Count(l => l.Attribute("class")!.Value == "edge forward"));
        Assert.Equal(4, lines.Count(l => l.Attribute("class")!.Value == "edge return"));
        Assert.Contains(".edge.return { stroke: #c2410c; stroke-dasharray: 8 5; }", svg);
        Assert.DoesNotContain(doc.Descendants(ns + "g"), g => g.Attribute("class")?.Value == "node blocked");
    }

    [Fact]
    public void A_blocked_svg_carries_the_marker_and_a_red_arrow_into_it()
    {
        var model = Scenario("sg-port-mismatch");
        var result = Walk(model, HostA, HostB);
        var svg = PathDiagram.Build(result, model).Render(DiagramFormat.Svg);
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var marker = Assert.Single(doc.Descendants(ns + "g"), g => g.Attribute("class")?.Value == "node blocked");
        Assert.Contains(marker.Elements(ns + "text"), t => t.Value.Contains("eni-0092f8e2d29917a4c"));
        Assert.Contains(marker.Elements(ns + "text"), t => t.Value == "ENI_SG_RULES_MISMATCH");
        var stop = Assert.Single(doc.Descendants(ns + "line"), l => l.Attribute("class")?.Value == "edge forward stop");
        Assert.Equal("url(#arrow-stop)", stop.Attribute("marker-end")!.Value);
    }

    [Fact]
    public void Free_text_from_the_snapshot_is_escaped_in_every_format()
    {
        // A Name tag with markup characters must not break the SVG, the Mermaid label or the DOT string.
        var folder = Path.Combine(Path.GetTempPath(), "pw-diagram-escape-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var seed = Path.Combine(ScenarioTests.RepoRoot(), "src", "PacketWalk.PowerShell", "samples", "seed");
            foreach (var file in Directory.GetFiles(seed, "*.json"))
            {
                var text = File.ReadAllText(file);
                if (Path.GetFileName(file) == "Reservations.json") text = text.Replace("\"HOST-A\"", "\"HOST <A> & \\\"web\\\" #1\"");
                File.WriteAllText(Path.Combine(folder, Path.GetFileName(file)), text);
            }
            var model = SnapshotReader.Read(folder);
            Assert.Equal("HOST <A> & \"web\" #1", model.Instances[HostA].Name);
            var d = PathDiagram.Build(Walk(model, HostA, HostB), model);

            var svg = d.Render(DiagramFormat.Svg);
            var doc = XDocument.Parse(svg);
            Assert.Contains(doc.Descendants(), e => e.Value == "HOST <A> & \"web\" #1 i-0a00000000000000a");

            var mermaid = d.Render(DiagramFormat.Mermaid);
            Assert.Contains("HOST #lt;A#gt; & #quot;web#quot; #35;1", mermaid);
            Assert.DoesNotContain("<A>", mermaid);

            var dot = d.Render(DiagramFormat.Dot);
            Assert.Contains("HOST <A> & \\\"web\\\" #1", dot);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Mermaid_and_dot_group_by_vpc_az_and_subnet_and_style_the_two_directions()
    {
        var model = Scenario("tgw-attachment-nacl-one-direction");
        var d = PathDiagram.Build(Walk(model, "i-0a000000000000a02", HostB), model);

        var mermaid = d.Render(DiagramFormat.Mermaid);
        Assert.StartsWith("flowchart LR", mermaid);
        Assert.Contains("subgraph vpc_vpc_0a000000000000001[", mermaid);
        Assert.Contains("subgraph az_vpc_0a000000000000001_us_east_1a[\"us-east-1a\"]", mermaid);
        Assert.Contains("subgraph subnet_subnet_0b00000000000b0a1[", mermaid);
        Assert.Contains(":::blocked", mermaid);
        Assert.Equal(d.Edges.Count, Regex.Matches(mermaid, @"^  linkStyle \d+ ", RegexOptions.Multiline).Count);
        Assert.Equal(0, Balance(mermaid, @"^\s*subgraph ", @"^\s*end$"));

        var dot = d.Render(DiagramFormat.Dot);
        Assert.StartsWith("digraph PacketPath {", dot);
        Assert.Equal(dot.Count(c => c == '{'), dot.Count(c => c == '}'));
        Assert.Contains("shape=octagon", dot);
        Assert.Contains("\"eni-05888d6f1ed0595bb\" -> \"blocked-forward\"", dot);

        var seed = ReachabilityMatrixTests.Seed();
        var full = PathDiagram.Build(Walk(seed, HostA, HostB), seed);
        Assert.Equal(4, Regex.Matches(full.Render(DiagramFormat.Mermaid), @" -\.->\|R\d\| ").Count);
        Assert.Equal(4, Regex.Matches(full.Render(DiagramFormat.Dot), @"style=dashed, penwidth=2\];").Count);
    }

    private static int Balance(string text, string open, string close) =>
        Regex.Matches(text, open, RegexOptions.Multiline).Count - Regex.Matches(text, close, RegexOptions.Multiline).Count;

    [Fact]
    public void Rendering_is_deterministic()
    {
        var model = ReachabilityMatrixTests.Seed();
        foreach (var format in Enum.GetValues<DiagramFormat>())
            Assert.Equal(PathDiagram.Build(Walk(model, HostA, HostB), model).Render(format), PathDiagram.Build(Walk(model, HostA, HostB), model).Render(format));
    }

    /// <summary>
    /// Every scenario case draws: the three formats render, the SVG is well-formed, every id of both paths (ENIs and the
    /// gateways or edges a path lists) is a box, and a walk that is not Reachable has its marker.
    /// </summary>
    [Theory]
    [MemberData(nameof(ScenarioTests.Cases), MemberType = typeof(ScenarioTests))]
    public void Every_scenario_case_draws_its_paths_and_its_marker(string scenario, string caseName)
    {
        var folder = ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == scenario);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().First(x => x.GetProperty("name").GetString() == caseName);
        int? Int(string n) => c.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        string? Str(string n) => c.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var model = ScenarioTests.ModelFor(folder);
        var result = new PacketWalker(model).Walk(new WalkRequest
        {
            Source = Str("source")!, Destination = Str("destination")!, Protocol = IpProtocol.Parse(Str("protocol") ?? "tcp"),
            Port = Int("port"), SourcePort = Int("sourcePort"), IcmpType = Int("icmpType"), IcmpCode = Int("icmpCode"),
            SourceIp = Str("sourceIp"), DestinationIp = Str("destinationIp"), SourceVpcId = Str("sourceVpcId"), DestinationVpcId = Str("destinationVpcId"),
        });
        var d = PathDiagram.Build(result, model);
        var context = $"{scenario}/{caseName}: {result} | nodes {string.Join(", ", d.Nodes.Select(n => n.Id))}";

        foreach (var id in result.ForwardPath.Concat(result.ReturnPath).Distinct())
            Assert.True(d.Nodes.Any(n => n.Id == id), $"{id} of the path is not drawn; {context}");
        var markers = d.Nodes.Count(n => n.Kind is DiagramNodeKind.Blocked or DiagramNodeKind.Warning);
        if (result.Verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge) Assert.True(markers == 0, context);
        else Assert.True(markers >= 1, $"no marker for a {result.Verdict} walk; {context}");
        Assert.All(d.Edges, e => Assert.True(d.Nodes.Any(n => n.Id == e.From) && d.Nodes.Any(n => n.Id == e.To), context));

        var svg = XDocument.Parse(d.Render(DiagramFormat.Svg));
        XNamespace ns = "http://www.w3.org/2000/svg";
        foreach (var node in d.Nodes)
            Assert.Contains(svg.Descendants(ns + "g"), g => g.Attribute("data-id")?.Value == node.Id && (g.Attribute("class")?.Value ?? "").StartsWith("node"));
        Assert.StartsWith("flowchart LR", d.Render(DiagramFormat.Mermaid));
        var dot = d.Render(DiagramFormat.Dot);
        Assert.Equal(dot.Count(ch => ch == '{'), dot.Count(ch => ch == '}'));
    }

    private readonly record struct Rect(double X, double Y, double W, double H)
    {
        public static Rect Of(XElement rect) => new(D(rect, "x"), D(rect, "y"), D(rect, "width"), D(rect, "height"));
        private static double D(XElement e, string name) => double.Parse(e.Attribute(name)!.Value, CultureInfo.InvariantCulture);
        public bool Contains(Rect inner) => inner.X >= X && inner.Y >= Y && inner.X + inner.W <= X + W && inner.Y + inner.H <= Y + H;
    }
}
