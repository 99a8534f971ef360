using System.Management.Automation;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Prints a walk as the seed's packet-walking notes: == Packet Path ==, Forward:, Return:, == Packet Headers ==.</para>
/// <para type="description">Takes Test-PacketPath results from the pipeline and writes one block of text per result.</para>
/// </summary>
[Cmdlet(VerbsCommon.Format, "PacketPath")]
[OutputType(typeof(string))]
public sealed class FormatPacketPathCommand : PSCmdlet
{
    /// <summary>A result from Test-PacketPath.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PacketPathResult InputObject { get; set; } = null!;

    /// <summary>Add a "== Hops ==" section with every check, one line each.</summary>
    [Parameter]
    public SwitchParameter IncludeHops { get; set; }

    protected override void ProcessRecord() => WriteObject(SeedNotes.Format(InputObject, IncludeHops));
}
