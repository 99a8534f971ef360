using System.Text;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Diagrams;

/// <summary>
/// Writes a <see cref="PathDiagram"/> as Graphviz DOT: clusters VPC → AZ → subnet, forward edges solid, return edges
/// dashed, the stop marker as a red octagon. PacketWalk never runs Graphviz; this is for users who have it.
/// </summary>
public static class DotWriter
{
    public static string Write(PathDiagram diagram)
    {
        var sb = new StringBuilder();
        sb.AppendLine("digraph PacketPath {");
        sb.AppendLine($"  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", labelloc=t, label={Quote(diagram.Title + "\n" + diagram.VerdictLine)}];");
        sb.AppendLine("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Courier\", fontsize=10];");
        sb.AppendLine("  edge [fontname=\"Helvetica\", fontsize=9];");

        int cluster = 0;
        foreach (var group in DiagramGrouping.ByVpc(diagram))
        {
            var indent = "  ";
            if (group.Vpc is not null)
            {
                sb.AppendLine($"{indent}subgraph cluster_{cluster++} {{");
                sb.AppendLine($"{indent}  label={Quote(DiagramGrouping.VpcLabel(group.Vpc))}; style=\"rounded,bold\"; color=\"#2da44e\";");
                indent += "  ";
            }
            foreach (var az in group.Zones)
            {
                var azIndent = indent;
                var azCluster = group.Vpc is not null && az.Zone is not null;
                if (azCluster)
                {
                    sb.AppendLine($"{azIndent}subgraph cluster_{cluster++} {{");
                    sb.AppendLine($"{azIndent}  label={Quote(az.Zone!)}; style=dashed; color=\"#57606a\";");
                    azIndent += "  ";
                }
                foreach (var subnet in az.Subnets)
                {
                    sb.AppendLine($"{azIndent}subgraph cluster_{cluster++} {{");
                    sb.AppendLine($"{azIndent}  label={Quote(DiagramGrouping.SubnetLabel(subnet.Subnet))}; style=\"rounded,filled\"; fillcolor=\"#f6f8fa\"; color=\"#8c959f\";");
                    foreach (var node in subnet.Nodes) sb.AppendLine($"{azIndent}  {NodeDeclaration(node)}");
                    sb.AppendLine($"{azIndent}}}");
                }
                if (azCluster) sb.AppendLine($"{indent}}}");
            }
            foreach (var node in group.Loose) sb.AppendLine($"{indent}{NodeDeclaration(node)}");
            if (group.Vpc is not null) sb.AppendLine("  }");
        }

        foreach (var e in diagram.Edges)
        {
            var to = diagram.Nodes.First(n => n.Id == e.To);
            var color = e.Blocked ? (to.Kind == DiagramNodeKind.Warning ? MermaidWriter.WarningColor : MermaidWriter.BlockedColor)
                : e.Direction == WalkDirection.Forward ? MermaidWriter.ForwardColor : MermaidWriter.ReturnColor;
            var style = e.Direction == WalkDirection.Forward ? "solid" : "dashed";
            sb.AppendLine($"  {Quote(e.From)} -> {Quote(e.To)} [label={Quote(e.Label)}, color=\"{color}\", fontcolor=\"{color}\", style={style}, penwidth=2];");
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string NodeDeclaration(DiagramNode node)
    {
        var label = Quote(string.Join("\n", node.Lines));
        return node.Kind switch
        {
            DiagramNodeKind.Blocked => $"{Quote(node.Id)} [label={label}, shape=octagon, color=\"{MermaidWriter.BlockedColor}\", fontcolor=\"{MermaidWriter.BlockedColor}\", fillcolor=\"#ffebe9\", penwidth=2];",
            DiagramNodeKind.Warning => $"{Quote(node.Id)} [label={label}, shape=octagon, color=\"{MermaidWriter.WarningColor}\", fontcolor=\"{MermaidWriter.WarningColor}\", fillcolor=\"#fff8c5\", penwidth=2];",
            DiagramNodeKind.TransitGateway => $"{Quote(node.Id)} [label={label}, shape=hexagon, fillcolor=\"#f3e8ff\", color=\"#8250df\"];",
            DiagramNodeKind.Gateway => $"{Quote(node.Id)} [label={label}, shape=ellipse];",
            _ => $"{Quote(node.Id)} [label={label}];",
        };
    }

    /// <summary>A DOT quoted string: backslash and quote escaped, line breaks as \n.</summary>
    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r", "").Replace("\n", "\\n") + "\"";
}
