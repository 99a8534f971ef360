using System.Text;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Diagrams;

/// <summary>
/// Writes a <see cref="PathDiagram"/> as a Mermaid flowchart: nested subgraphs VPC → AZ → subnet, forward moves as solid
/// arrows, return moves as dotted arrows, the marker where the packet stopped in red.
/// </summary>
public static class MermaidWriter
{
    public const string ForwardColor = "#1f6feb";
    public const string ReturnColor = "#c2410c";
    public const string BlockedColor = "#d1242f";
    public const string WarningColor = "#9a6700";

    public static string Write(PathDiagram diagram)
    {
        var sb = new StringBuilder();
        sb.AppendLine("flowchart LR");
        sb.AppendLine($"  %% {Comment(diagram.Title)}");
        sb.AppendLine($"  %% {Comment(diagram.VerdictLine)}");

        foreach (var group in DiagramGrouping.ByVpc(diagram))
        {
            var indent = "  ";
            if (group.Vpc is not null)
            {
                sb.AppendLine($"{indent}subgraph {Id("vpc", group.Vpc.VpcId)}[\"{Label(DiagramGrouping.VpcLabel(group.Vpc))}\"]");
                indent += "  ";
            }
            foreach (var az in group.Zones)
            {
                var azIndent = indent;
                if (group.Vpc is not null && az.Zone is not null)
                {
                    sb.AppendLine($"{azIndent}subgraph {Id("az", group.Vpc.VpcId + "_" + az.Zone)}[\"{Label(az.Zone)}\"]");
                    azIndent += "  ";
                }
                foreach (var subnet in az.Subnets)
                {
                    sb.AppendLine($"{azIndent}subgraph {Id("subnet", subnet.Subnet.SubnetId)}[\"{Label(DiagramGrouping.SubnetLabel(subnet.Subnet))}\"]");
                    foreach (var node in subnet.Nodes) sb.AppendLine($"{azIndent}  {NodeDeclaration(node)}");
                    sb.AppendLine($"{azIndent}end");
                }
                if (group.Vpc is not null && az.Zone is not null) sb.AppendLine($"{indent}end");
            }
            foreach (var node in group.Loose) sb.AppendLine($"{indent}{NodeDeclaration(node)}");
            if (group.Vpc is not null) sb.AppendLine("  end");
        }

        for (int i = 0; i < diagram.Edges.Count; i++)
        {
            var e = diagram.Edges[i];
            var arrow = e.Direction == WalkDirection.Forward ? "-->" : "-.->";
            var label = e.Label.Length == 0 ? "" : $"|{e.Label}|";
            sb.AppendLine($"  {NodeId(e.From)} {arrow}{label} {NodeId(e.To)}");
        }

        sb.AppendLine($"  classDef blocked fill:#ffebe9,stroke:{BlockedColor},stroke-width:2px,color:{BlockedColor}");
        sb.AppendLine($"  classDef warning fill:#fff8c5,stroke:{WarningColor},stroke-width:2px,color:{WarningColor}");
        sb.AppendLine("  classDef tgw fill:#f3e8ff,stroke:#8250df");
        for (int i = 0; i < diagram.Edges.Count; i++)
        {
            var e = diagram.Edges[i];
            var color = e.Blocked ? (diagram.Nodes.First(n => n.Id == e.To).Kind == DiagramNodeKind.Warning ? WarningColor : BlockedColor)
                : e.Direction == WalkDirection.Forward ? ForwardColor : ReturnColor;
            sb.AppendLine($"  linkStyle {i} stroke:{color},stroke-width:2px");
        }
        return sb.ToString();
    }

    private static string NodeDeclaration(DiagramNode node)
    {
        var text = Label(string.Join("<br/>", node.Lines.Select(Escape)), escaped: true);
        return node.Kind switch
        {
            DiagramNodeKind.Blocked => $"{NodeId(node.Id)}[[\"{text}\"]]:::blocked",
            DiagramNodeKind.Warning => $"{NodeId(node.Id)}[[\"{text}\"]]:::warning",
            DiagramNodeKind.TransitGateway => $"{NodeId(node.Id)}{{{{\"{text}\"}}}}:::tgw",
            DiagramNodeKind.Gateway => $"{NodeId(node.Id)}([\"{text}\"])",
            _ => $"{NodeId(node.Id)}[\"{text}\"]",
        };
    }

    /// <summary>Mermaid ids are words: every id gets a kind prefix and loses its punctuation ("eni-0a1" → "n_eni_0a1").</summary>
    internal static string NodeId(string id) => Id("n", id);

    private static string Id(string prefix, string id)
    {
        var sb = new StringBuilder(prefix).Append('_');
        foreach (var c in id) sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return sb.ToString();
    }

    private static string Label(string text, bool escaped = false) => escaped ? text : Escape(text);

    /// <summary>Inside a quoted Mermaid label only the quote and the entity markers need care.</summary>
    private static string Escape(string text) => text.Replace("#", "#35;").Replace("\"", "#quot;").Replace("<", "#lt;").Replace(">", "#gt;");

    private static string Comment(string text) => text.Replace("\n", " ").Replace("\r", " ");
}
