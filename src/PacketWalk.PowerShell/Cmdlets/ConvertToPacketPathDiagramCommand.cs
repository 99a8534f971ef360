using System.Management.Automation;
using PacketWalk.Core.Diagrams;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Draws a walk as a diagram: VPCs and subnets grouped by Availability Zone, the ENIs, the transit gateway, forward and return arrows, the blocking hop marked.</para>
/// <para type="description">Writes one Mermaid, DOT or self-contained SVG document (a string) per Test-PacketPath result.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "PacketPathDiagram")]
[OutputType(typeof(string))]
public sealed class ConvertToPacketPathDiagramCommand : PacketWalkCmdlet
{
    /// <summary>A result from Test-PacketPath.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PacketPathResult InputObject { get; set; } = null!;

    /// <summary>Mermaid (default), Dot or Svg.</summary>
    [Parameter(Position = 1)]
    public DiagramFormat Format { get; set; } = DiagramFormat.Mermaid;

    /// <summary>
    /// The snapshot the walk was made on, for names, CIDRs and addresses in the labels. Optional: a result remembers
    /// the snapshot it came from in this session, and without any snapshot the hops alone place every box.
    /// </summary>
    [Parameter]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object? Snapshot { get; set; }

    protected override void ProcessRecord()
    {
        var snapshot = Snapshot is not null ? ResolveSnapshot(Snapshot) : SnapshotRegistry.OriginOf(InputObject);
        string text;
        try
        {
            text = PathDiagram.Build(InputObject, snapshot?.Model).Render(Format);
        }
        catch (Exception ex) when (!IsFatal(ex))
        {
            ThrowInternal(ex, InputObject);
            return;
        }
        WriteObject(text);
    }
}
