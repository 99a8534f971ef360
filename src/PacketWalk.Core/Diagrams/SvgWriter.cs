using System.Globalization;
using System.Text;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Diagrams;

/// <summary>
/// Draws a <see cref="PathDiagram"/> as a self-contained SVG with its own layout (no Graphviz, no browser, no fonts to
/// fetch): one column ("lane") per VPC and per transit gateway in the order the packet meets them, one row per
/// Availability Zone shared by all VPC lanes (so a zonal TGW crossing reads as a horizontal arrow), subnets inside their
/// AZ box, attachment subnets on the side that faces the transit gateway. Forward arrows are solid blue, return arrows
/// dashed orange, the arrow into the stop marker red.
/// </summary>
public static class SvgWriter
{
    // Text is monospace so widths can be computed without font metrics: 0.6 em per character is true of the usual
    // monospace faces (DejaVu Sans Mono, Menlo, Consolas); a little extra keeps labels inside their boxes.
    private const double FontSize = 12, CharWidth = 7.45, LineHeight = 16;
    private const double SmallFontSize = 11, SmallCharWidth = 6.85, SmallLineHeight = 14;
    private const double NodePadX = 10, NodePadY = 6;
    private const double SubnetPad = 10, SubnetGap = 12, NodeGap = 12, MarkerGap = 34;
    private const double ZonePad = 10, ZoneLabelHeight = 18, SubColumnGap = 48;
    private const double LanePad = 12, LaneGap = 110, RowGap = 18;
    private const double Margin = 24;
    private const double EdgeOffset = 5;

    private const string FontFamily = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace";

    private sealed class Box
    {
        public double X, Y, W, H;
        public double Cx => X + W / 2;
        public double Cy => Y + H / 2;
        public double Right => X + W;
        public double Bottom => Y + H;
    }

    private sealed class SubnetLayout(DiagramSubnet subnet, IReadOnlyList<DiagramNode> nodes, bool facesGateway)
    {
        public DiagramSubnet Subnet { get; } = subnet;
        public IReadOnlyList<DiagramNode> Nodes { get; } = nodes;
        /// <summary>Holds a transit gateway attachment ENI: drawn in the sub-column nearest the gateway.</summary>
        public bool FacesGateway { get; } = facesGateway;
        public Box Box { get; } = new();
        public IReadOnlyList<string> Header { get; set; } = Array.Empty<string>();
    }

    private sealed class Lane
    {
        public required string Key;
        public DiagramVpc? Vpc;
        public DiagramNode? Standalone;
        public List<DiagramNode> Beside = new();
        public List<SubnetLayout> Subnets = new();
        /// <summary>Sub-columns left to right; each holds the subnets of that column, by zone.</summary>
        public List<bool> SubColumnFacesGateway = new();
        public double[] SubColumnWidths = Array.Empty<double>();
        public Box Box = new();
        public IReadOnlyList<string> Header = Array.Empty<string>();
        public double HeaderHeight;
        public Dictionary<string, Box> ZoneBoxes = new(StringComparer.Ordinal);
    }

    public static string Write(PathDiagram diagram)
    {
        var nodeBoxes = new Dictionary<string, Box>(StringComparer.Ordinal);
        foreach (var node in diagram.Nodes)
            nodeBoxes[node.Id] = new Box { W = TextWidth(node.Lines, CharWidth) + 2 * NodePadX, H = node.Lines.Count * LineHeight + 2 * NodePadY };

        var lanes = BuildLanes(diagram);
        var zones = diagram.Subnets.Select(s => ZoneKey(s.AvailabilityZone)).Distinct().OrderBy(z => z, StringComparer.Ordinal).ToList();

        // Sizes bottom-up: subnet boxes, sub-column widths, zone-row heights.
        foreach (var lane in lanes)
            foreach (var s in lane.Subnets)
            {
                var header = SubnetHeader(s.Subnet);
                var inner = s.Nodes.Sum(n => nodeBoxes[n.Id].H) + s.Nodes.Skip(1).Sum(GapBefore);
                var subnetWidth = Math.Max(TextWidth(header, SmallCharWidth), s.Nodes.Count == 0 ? 0 : s.Nodes.Max(n => nodeBoxes[n.Id].W)) + 2 * SubnetPad;
                s.Box.W = subnetWidth;
                s.Box.H = header.Count * SmallLineHeight + 6 + inner + 2 * SubnetPad;
                s.Header = header;
            }

        var rowHeights = new double[zones.Count];
        foreach (var lane in lanes.Where(l => l.Vpc is not null))
        {
            lane.SubColumnWidths = new double[lane.SubColumnFacesGateway.Count];
            for (int c = 0; c < lane.SubColumnFacesGateway.Count; c++)
                lane.SubColumnWidths[c] = lane.Subnets.Where(s => s.FacesGateway == lane.SubColumnFacesGateway[c]).Select(s => s.Box.W).DefaultIfEmpty(0).Max();
            for (int r = 0; r < zones.Count; r++)
            {
                double tallest = 0;
                foreach (var facing in lane.SubColumnFacesGateway)
                {
                    var stack = lane.Subnets.Where(s => s.FacesGateway == facing && ZoneKey(s.Subnet.AvailabilityZone) == zones[r]).ToList();
                    if (stack.Count > 0) tallest = Math.Max(tallest, stack.Sum(s => s.Box.H) + SubnetGap * (stack.Count - 1));
                }
                if (tallest > 0) rowHeights[r] = Math.Max(rowHeights[r], tallest + ZoneLabelHeight + 2 * ZonePad);
            }
        }

        // Lane widths and the shared header height.
        double headerHeight = 0;
        foreach (var lane in lanes)
        {
            if (lane.Vpc is not null)
            {
                lane.Header = new[] { lane.Vpc.Name is null ? "VPC" : $"VPC {lane.Vpc.Name}", string.Join(" ", new[] { lane.Vpc.VpcId, lane.Vpc.Cidr }.Where(s => s is not null)) };
                var zonesWidth = lane.SubColumnWidths.Sum() + SubColumnGap * Math.Max(0, lane.SubColumnWidths.Count(w => w > 0) - 1) + 2 * ZonePad;
                lane.Box.W = Math.Max(zonesWidth, TextWidth(lane.Header, CharWidth)) + 2 * LanePad;
                lane.HeaderHeight = lane.Header.Count * LineHeight + 10;
                headerHeight = Math.Max(headerHeight, lane.HeaderHeight);
            }
            else
            {
                var widest = new[] { lane.Standalone }.Concat(lane.Beside).Where(n => n is not null).Max(n => nodeBoxes[n!.Id].W);
                lane.Box.W = widest + 2 * LanePad;
            }
        }

        // Positions.
        var title = new[] { diagram.Title, diagram.VerdictLine };
        double top = Margin + 2 * 22 + 10;
        double rowsTop = top + headerHeight + LanePad;
        var rowTops = new double[zones.Count];
        double y = rowsTop;
        for (int r = 0; r < zones.Count; r++) { rowTops[r] = y; y += rowHeights[r] + (rowHeights[r] > 0 ? RowGap : 0); }
        double rowsBottom = zones.Count == 0 ? rowsTop + 60 : y - RowGap;

        double x = Margin;
        foreach (var lane in lanes)
        {
            lane.Box.X = x;
            lane.Box.Y = top;
            if (lane.Vpc is not null)
            {
                lane.Box.H = rowsBottom + LanePad - top;
                PlaceVpcLane(lane, zones, rowTops, rowHeights, nodeBoxes);
            }
            else
            {
                var stack = new[] { lane.Standalone }.Concat(lane.Beside).Where(n => n is not null).Select(n => nodeBoxes[n!.Id]).ToList();
                // A transit gateway spans every zone row (less room for a marker below it), so zonal arrows meet it level.
                var main = stack[0];
                var others = stack.Skip(1).Sum(b => b.H + MarkerGap);
                if (lane.Standalone?.Kind == DiagramNodeKind.TransitGateway && zones.Count > 0)
                    main.H = Math.Max(main.H, rowsBottom - rowsTop - others);
                var stackHeight = main.H + others;
                double sy = Math.Max(rowsTop, (rowsTop + rowsBottom) / 2 - stackHeight / 2);
                foreach (var b in stack)
                {
                    b.X = x + (lane.Box.W - b.W) / 2;
                    b.Y = sy;
                    sy += b.H + MarkerGap;
                }
                lane.Box.H = Math.Max(rowsBottom, sy - MarkerGap) - top;
            }
            x += lane.Box.W + LaneGap;
        }
        double contentRight = x - LaneGap;
        double contentBottom = Math.Max(rowsBottom + LanePad, lanes.Select(l => l.Box.Bottom).DefaultIfEmpty(rowsBottom).Max());
        double legendTop = contentBottom + 26;
        double width = Math.Max(contentRight, Margin + TextWidth(title, 8.6)) + Margin;
        double height = legendTop + 28 + Margin;

        return Render(diagram, lanes, zones, nodeBoxes, title, width, height, legendTop);
    }

    private static List<Lane> BuildLanes(PathDiagram diagram)
    {
        var lanes = new List<Lane>();
        Lane LaneFor(string key)
        {
            var lane = lanes.FirstOrDefault(l => l.Key == key);
            if (lane is null) lanes.Add(lane = new Lane { Key = key });
            return lane;
        }
        // Lanes in the order the packet meets them: the node order is walk order.
        foreach (var node in diagram.Nodes)
        {
            if (node.Beside is not null) continue;
            if (node.SubnetId is not null || node.VpcId is not null)
            {
                var key = "vpc:" + (node.VpcId ?? "?");
                var lane = LaneFor(key);
                lane.Vpc ??= diagram.Vpcs.FirstOrDefault(v => v.VpcId == node.VpcId) ?? new DiagramVpc(node.VpcId ?? "(VPC not in the snapshot)", null, null);
            }
            else LaneFor("node:" + node.Id).Standalone = node;
        }
        foreach (var node in diagram.Nodes.Where(n => n.Beside is not null))
        {
            var lane = lanes.FirstOrDefault(l => l.Standalone?.Id == node.Beside) ?? LaneFor("node:" + node.Id);
            if (lane.Standalone is null) lane.Standalone = node; else lane.Beside.Add(node);
        }

        for (int i = 0; i < lanes.Count; i++)
        {
            var lane = lanes[i];
            if (lane.Vpc is null) continue;
            foreach (var subnet in diagram.Subnets.Where(s => "vpc:" + (s.VpcId ?? "?") == lane.Key))
            {
                var nodes = diagram.Nodes.Where(n => n.SubnetId == subnet.SubnetId).ToList();
                lane.Subnets.Add(new SubnetLayout(subnet, nodes, nodes.Any(n => n.IsAttachment)));
            }
            // Attachment subnets face the nearest transit gateway lane; with none, they sit on the right.
            var gatewayOnLeft = lanes.Take(i).Any(l => l.Standalone?.Kind == DiagramNodeKind.TransitGateway)
                && !lanes.Skip(i + 1).Any(l => l.Standalone?.Kind == DiagramNodeKind.TransitGateway);
            var columns = new List<bool>();
            if (lane.Subnets.Any(s => !s.FacesGateway)) columns.Add(false);
            if (lane.Subnets.Any(s => s.FacesGateway)) columns.Add(true);
            if (gatewayOnLeft) columns.Reverse();
            lane.SubColumnFacesGateway = columns;
        }
        return lanes;
    }

    private static void PlaceVpcLane(Lane lane, List<string> zones, double[] rowTops, double[] rowHeights, Dictionary<string, Box> nodeBoxes)
    {
        var zoneX = lane.Box.X + LanePad;
        var zoneW = lane.Box.W - 2 * LanePad;
        for (int r = 0; r < zones.Count; r++)
        {
            var inZone = lane.Subnets.Where(s => ZoneKey(s.Subnet.AvailabilityZone) == zones[r]).ToList();
            if (inZone.Count == 0) continue;
            lane.ZoneBoxes[zones[r]] = new Box { X = zoneX, Y = rowTops[r], W = zoneW, H = rowHeights[r] };
            double cx = zoneX + ZonePad;
            for (int c = 0; c < lane.SubColumnFacesGateway.Count; c++)
            {
                var stack = inZone.Where(s => s.FacesGateway == lane.SubColumnFacesGateway[c]).ToList();
                double sy = rowTops[r] + ZonePad + ZoneLabelHeight;
                foreach (var s in stack)
                {
                    s.Box.X = cx + (lane.SubColumnWidths[c] - s.Box.W) / 2;
                    s.Box.Y = sy;
                    double ny = sy + SubnetPad + s.Header.Count * SmallLineHeight + 6;
                    for (int i = 0; i < s.Nodes.Count; i++)
                    {
                        var b = nodeBoxes[s.Nodes[i].Id];
                        if (i > 0) ny += GapBefore(s.Nodes[i]);
                        b.X = s.Box.X + (s.Box.W - b.W) / 2;
                        b.Y = ny;
                        ny += b.H;
                    }
                    sy += s.Box.H + SubnetGap;
                }
                if (lane.SubColumnWidths[c] > 0) cx += lane.SubColumnWidths[c] + SubColumnGap;
            }
        }
    }

    private static string Render(PathDiagram diagram, List<Lane> lanes, List<string> zones, Dictionary<string, Box> nodeBoxes,
        string[] title, double width, double height, double legendTop)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" font-family=\"{FontFamily}\" font-size=\"{N(FontSize)}\">\n");
        sb.Append($"  <title>{X(diagram.Title)}</title>\n");
        sb.Append($"  <desc>{X(diagram.VerdictLine)}</desc>\n");
        sb.Append("  <style>\n");
        sb.Append($"    .edge {{ fill: none; stroke-width: 2.2; }}\n");
        sb.Append($"    .edge.forward {{ stroke: {MermaidWriter.ForwardColor}; }}\n");
        sb.Append($"    .edge.return {{ stroke: {MermaidWriter.ReturnColor}; stroke-dasharray: 8 5; }}\n");
        sb.Append($"    .edge.stop {{ stroke: {MermaidWriter.BlockedColor}; }}\n");
        sb.Append($"    .edge.caution {{ stroke: {MermaidWriter.WarningColor}; }}\n");
        sb.Append("  </style>\n");
        sb.Append("  <defs>\n");
        foreach (var (name, color) in new[] { ("forward", MermaidWriter.ForwardColor), ("return", MermaidWriter.ReturnColor), ("stop", MermaidWriter.BlockedColor), ("caution", MermaidWriter.WarningColor) })
            sb.Append($"    <marker id=\"arrow-{name}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>\n");
        sb.Append("  </defs>\n");
        sb.Append($"  <rect x=\"0\" y=\"0\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"#ffffff\"/>\n");

        var verdictColor = diagram.Verdict switch
        {
            PathVerdict.Reachable => "#1a7f37",
            PathVerdict.Blocked => MermaidWriter.BlockedColor,
            PathVerdict.ReachableToEdge => "#0969da",
            _ => MermaidWriter.WarningColor,
        };
        sb.Append($"  <text class=\"title\" x=\"{N(Margin)}\" y=\"{N(Margin + 14)}\" font-size=\"14\" font-weight=\"bold\" fill=\"#1f2328\">{X(title[0])}</text>\n");
        sb.Append($"  <text class=\"verdict\" x=\"{N(Margin)}\" y=\"{N(Margin + 36)}\" font-size=\"13\" font-weight=\"bold\" fill=\"{verdictColor}\">{X(title[1])}</text>\n");

        foreach (var lane in lanes)
        {
            if (lane.Vpc is not null)
            {
                sb.Append($"  <g class=\"vpc\" data-id=\"{X(lane.Vpc.VpcId)}\">\n");
                sb.Append($"    <rect x=\"{N(lane.Box.X)}\" y=\"{N(lane.Box.Y)}\" width=\"{N(lane.Box.W)}\" height=\"{N(lane.Box.H)}\" rx=\"10\" fill=\"#f0fbf3\" stroke=\"#2da44e\" stroke-width=\"2\"/>\n");
                for (int i = 0; i < lane.Header.Count; i++)
                    sb.Append($"    <text x=\"{N(lane.Box.X + LanePad)}\" y=\"{N(lane.Box.Y + 18 + i * LineHeight)}\" fill=\"#116329\" font-weight=\"{(i == 0 ? "bold" : "normal")}\">{X(lane.Header[i])}</text>\n");
                foreach (var (zone, box) in lane.ZoneBoxes)
                {
                    sb.Append($"    <g class=\"az\" data-id=\"{X(zone)}\">\n");
                    sb.Append($"      <rect x=\"{N(box.X)}\" y=\"{N(box.Y)}\" width=\"{N(box.W)}\" height=\"{N(box.H)}\" rx=\"8\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n");
                    sb.Append($"      <text x=\"{N(box.X + ZonePad)}\" y=\"{N(box.Y + ZonePad + 10)}\" font-size=\"{N(SmallFontSize)}\" font-style=\"italic\" fill=\"#57606a\">{X(zone == NoZone ? "Availability Zone not known" : zone)}</text>\n");
                    sb.Append("    </g>\n");
                }
                foreach (var s in lane.Subnets)
                {
                    sb.Append($"    <g class=\"subnet\" data-id=\"{X(s.Subnet.SubnetId)}\">\n");
                    sb.Append($"      <rect x=\"{N(s.Box.X)}\" y=\"{N(s.Box.Y)}\" width=\"{N(s.Box.W)}\" height=\"{N(s.Box.H)}\" rx=\"6\" fill=\"#f6f8fa\" stroke=\"#8c959f\"/>\n");
                    for (int i = 0; i < s.Header.Count; i++)
                        sb.Append($"      <text x=\"{N(s.Box.X + SubnetPad)}\" y=\"{N(s.Box.Y + SubnetPad + 10 + i * SmallLineHeight)}\" font-size=\"{N(SmallFontSize)}\" fill=\"#57606a\">{X(s.Header[i])}</text>\n");
                    sb.Append("    </g>\n");
                }
                sb.Append("  </g>\n");
            }
        }

        // Edges under the nodes, so an arrow never hides a label.
        var edgeGeometry = diagram.Edges.Select(e => (Edge: e, Line: EdgeLine(e, nodeBoxes))).ToList();
        foreach (var (e, line) in edgeGeometry)
        {
            var target = diagram.Nodes.First(n => n.Id == e.To);
            var style = e.Blocked ? (target.Kind == DiagramNodeKind.Warning ? "caution" : "stop") : e.Direction == WalkDirection.Forward ? "forward" : "return";
            var direction = e.Direction == WalkDirection.Forward ? "forward" : "return";
            var dash = e.Direction == WalkDirection.Return && e.Blocked ? " stroke-dasharray=\"8 5\"" : "";
            sb.Append($"  <line class=\"edge {direction}{(style != direction ? " " + style : "")}\" data-from=\"{X(e.From)}\" data-to=\"{X(e.To)}\" x1=\"{N(line.X1)}\" y1=\"{N(line.Y1)}\" x2=\"{N(line.X2)}\" y2=\"{N(line.Y2)}\"{dash} marker-end=\"url(#arrow-{style})\"/>\n");
        }

        foreach (var node in diagram.Nodes)
        {
            var b = nodeBoxes[node.Id];
            var (fill, stroke, textColor, cls) = node.Kind switch
            {
                DiagramNodeKind.Blocked => ("#ffebe9", MermaidWriter.BlockedColor, MermaidWriter.BlockedColor, "blocked"),
                DiagramNodeKind.Warning => ("#fff8c5", MermaidWriter.WarningColor, MermaidWriter.WarningColor, "warning"),
                DiagramNodeKind.TransitGateway => ("#f3e8ff", "#8250df", "#1f2328", "tgw"),
                DiagramNodeKind.Gateway => ("#ddf4ff", "#0969da", "#1f2328", "gateway"),
                _ => ("#ffffff", node.IsAttachment ? "#8250df" : "#57606a", "#1f2328", node.IsAttachment ? "eni attachment" : "eni"),
            };
            var strokeWidth = node.Kind is DiagramNodeKind.Blocked or DiagramNodeKind.Warning ? 2.5 : 1.5;
            sb.Append($"  <g class=\"node {cls}\" data-id=\"{X(node.Id)}\">\n");
            sb.Append($"    <rect x=\"{N(b.X)}\" y=\"{N(b.Y)}\" width=\"{N(b.W)}\" height=\"{N(b.H)}\" rx=\"{(node.Kind == DiagramNodeKind.TransitGateway ? 14 : 5)}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{N(strokeWidth)}\"/>\n");
            var textTop = node.Kind == DiagramNodeKind.TransitGateway ? b.Cy - node.Lines.Count * LineHeight / 2 : b.Y + NodePadY;
            for (int i = 0; i < node.Lines.Count; i++)
                sb.Append($"    <text x=\"{N(b.X + NodePadX)}\" y=\"{N(textTop + 12 + i * LineHeight)}\" fill=\"{textColor}\"{(i == 0 ? " font-weight=\"bold\"" : "")}>{X(node.Lines[i])}</text>\n");
            sb.Append("  </g>\n");
        }

        // Step labels on top of everything.
        foreach (var (e, line) in edgeGeometry)
        {
            if (e.Label.Length == 0) continue;
            var color = e.Blocked ? MermaidWriter.BlockedColor : e.Direction == WalkDirection.Forward ? MermaidWriter.ForwardColor : MermaidWriter.ReturnColor;
            // Beside the middle of the arrow, forward labels on one side of a pair of boxes and return labels on the
            // other (the same fixed orientation as the arrows' offset), so the two never cover each other.
            var lx = (line.X1 + line.X2) / 2;
            var ly = (line.Y1 + line.Y2) / 2;
            var length = Math.Sqrt((line.X2 - line.X1) * (line.X2 - line.X1) + (line.Y2 - line.Y1) * (line.Y2 - line.Y1));
            if (length > 0)
            {
                var flip = string.CompareOrdinal(e.From, e.To) > 0 ? -1 : 1;
                var nx = -(line.Y2 - line.Y1) * flip / length;
                var ny = (line.X2 - line.X1) * flip / length;
                var side = e.Direction == WalkDirection.Forward ? -14 : 14;
                lx += nx * side;
                ly += ny * side;
            }
            sb.Append($"  <g class=\"step {(e.Direction == WalkDirection.Forward ? "forward" : "return")}\"><circle cx=\"{N(lx)}\" cy=\"{N(ly)}\" r=\"11\" fill=\"#ffffff\" stroke=\"{color}\" stroke-width=\"1.5\"/><text x=\"{N(lx)}\" y=\"{N(ly + 4)}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{color}\" font-weight=\"bold\">{X(e.Label)}</text></g>\n");
        }

        // Legend.
        double lx0 = Margin;
        sb.Append("  <g class=\"legend\">\n");
        var legend = new List<(string Class, string Text, string Dash, string Color)>
        {
            ("forward", "forward (F1, F2, …)", "", MermaidWriter.ForwardColor),
            ("return", "return (R1, R2, …)", " stroke-dasharray=\"8 5\"", MermaidWriter.ReturnColor),
            ("stop", "✖ where the packet stops", "", MermaidWriter.BlockedColor),
        };
        if (diagram.Nodes.Any(n => n.Kind == DiagramNodeKind.Warning))
            legend.Add(("caution", "⚠ where it may fail (ports narrowed, AWS's choice)", "", MermaidWriter.WarningColor));
        foreach (var (cls, text, dash, color) in legend)
        {
            sb.Append($"    <line x1=\"{N(lx0)}\" y1=\"{N(legendTop)}\" x2=\"{N(lx0 + 40)}\" y2=\"{N(legendTop)}\" stroke=\"{color}\" stroke-width=\"2.2\"{dash} marker-end=\"url(#arrow-{cls})\"/>\n");
            sb.Append($"    <text x=\"{N(lx0 + 48)}\" y=\"{N(legendTop + 4)}\" fill=\"#57606a\">{X(text)}</text>\n");
            lx0 += 48 + text.Length * CharWidth + 36;
        }
        sb.Append("  </g>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private readonly record struct Line(double X1, double Y1, double X2, double Y2);

    /// <summary>
    /// A straight arrow from border to border. Forward and return arrows between the same two boxes are pushed apart
    /// sideways; a tall box (a transit gateway) is met level with the other end, so zonal crossings stay horizontal.
    /// </summary>
    private static Line EdgeLine(DiagramEdge e, Dictionary<string, Box> boxes)
    {
        var a = boxes[e.From];
        var b = boxes[e.To];
        double ax = a.Cx, ay = a.Cy, bx = b.Cx, by = b.Cy;
        if (a.H > 3 * b.H) ay = Math.Clamp(by, a.Y + 14, a.Bottom - 14);
        if (b.H > 3 * a.H) by = Math.Clamp(ay, b.Y + 14, b.Bottom - 14);

        // The side offset is taken from a fixed orientation of the pair (by id), so A→B forward and B→A return land apart.
        var flip = string.CompareOrdinal(e.From, e.To) > 0 ? -1 : 1;
        double dx = (bx - ax) * flip, dy = (by - ay) * flip;
        var length = Math.Sqrt(dx * dx + dy * dy);
        if (length > 0)
        {
            var side = e.Direction == WalkDirection.Forward ? -EdgeOffset : EdgeOffset;
            var nx = -dy / length * side;
            var ny = dx / length * side;
            ax += nx; ay += ny; bx += nx; by += ny;
        }
        var (x1, y1) = Exit(a, ax, ay, bx, by, 2);
        var (x2, y2) = Exit(b, bx, by, ax, ay, 4);
        return new Line(x1, y1, x2, y2);
    }

    /// <summary>Where the ray from (fromX, fromY) towards (toX, toY) leaves the box, plus a small gap.</summary>
    private static (double X, double Y) Exit(Box box, double fromX, double fromY, double toX, double toY, double gap)
    {
        double dx = toX - fromX, dy = toY - fromY;
        if (dx == 0 && dy == 0) return (fromX, fromY);
        double tx = dx == 0 ? double.PositiveInfinity : ((dx > 0 ? box.Right : box.X) - fromX) / dx;
        double ty = dy == 0 ? double.PositiveInfinity : ((dy > 0 ? box.Bottom : box.Y) - fromY) / dy;
        var t = Math.Max(0, Math.Min(tx, ty));
        var len = Math.Sqrt(dx * dx + dy * dy);
        t += gap / len;
        return (fromX + dx * t, fromY + dy * t);
    }

    /// <summary>A marker keeps its distance so the arrow into it, and its step label, can be seen.</summary>
    private static double GapBefore(DiagramNode node) => node.Kind is DiagramNodeKind.Blocked or DiagramNodeKind.Warning ? MarkerGap : NodeGap;

    private const string NoZone = "~";
    private static string ZoneKey(string? zone) => zone ?? NoZone;

    private static IReadOnlyList<string> SubnetHeader(DiagramSubnet subnet)
    {
        var second = string.Join(" ", new[] { subnet.Name, subnet.Cidr }.Where(s => !string.IsNullOrEmpty(s)));
        return second.Length == 0 ? new[] { subnet.SubnetId } : new[] { subnet.SubnetId, second };
    }

    private static double TextWidth(IEnumerable<string> lines, double charWidth) => lines.Select(l => l.Length).DefaultIfEmpty(0).Max() * charWidth;

    private static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string X(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    // XML 1.0 forbids most control characters; a snapshot's free text could carry one.
                    if (c < 0x20 && c is not '\t' and not '\n' and not '\r') sb.Append('?'); else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
