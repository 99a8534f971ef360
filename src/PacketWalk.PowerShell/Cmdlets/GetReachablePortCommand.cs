using System.Globalization;
using System.Management.Automation;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the destination port ranges that get from a source to a destination and back, and for each blocked range the check that stops it.</para>
/// <para type="description">One walk carries the whole port set: security groups and NACLs narrow it hop by hop and each removed part keeps the hop that removed it, so
/// 0-65535 is answered at once rather than port by port. Writes one PortRangeVerdict per run of ports that end the same way, in port order.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ReachablePort")]
[OutputType(typeof(PortRangeVerdict))]
public sealed class GetReachablePortCommand : PacketWalkCmdlet
{
    public const string InvalidPortRangeId = "PacketWalkInvalidPortRange";

    /// <summary>Instance id, ENI id or IP address, or an object with an InstanceId / NetworkInterfaceId / PrivateIpAddress property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceId", "NetworkInterfaceId")]
    [ValidateNotNull]
    public object Source { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public object Destination { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("tcp", "udp", IgnoreCase = true)]
    public string Protocol { get; set; } = "tcp";

    /// <summary>Destination ports to check: numbers and 'from-to' ranges ('443', '8000-8100'); every port when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Port { get; set; } = { "0-65535" };

    /// <summary>Client port; when omitted the reply is checked for the client's whole ephemeral range.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int? SourcePort { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SourceVpcId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? DestinationVpcId { get; set; }

    /// <summary>Write only the reachable ranges.</summary>
    [Parameter]
    public SwitchParameter ReachableOnly { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object Snapshot { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (!TryParsePorts(Port, out var ports, out var bad))
        {
            WriteError(InputError(InvalidPortRangeId, ErrorCategory.InvalidArgument,
                $"-Port '{bad}' is not a port or range: write numbers 0-65535 or 'from-to', e.g. '443', '8000-8100'.", bad));
            return;
        }
        var snapshot = ResolveSnapshot(Snapshot);
        var walker = snapshot.GetWalker();
        var protocol = IpProtocol.Parse(Protocol);
        foreach (var source in EndpointArgument.ToIds(Source, nameof(Source)))
            foreach (var destination in EndpointArgument.ToIds(Destination, nameof(Destination)))
            {
                var request = new WalkRequest
                {
                    Source = source, Destination = destination, Protocol = protocol, DestinationPorts = ports, SourcePort = SourcePort,
                    SourceVpcId = SourceVpcId, DestinationVpcId = DestinationVpcId,
                };
                if (!TryEngineCall(() => walker.ReachablePorts(request), source, request, out var result)) continue;
                WriteVerbose($"{source} -> {destination} {Protocol} {ports}: reachable {(result.ReachablePorts.IsEmpty ? "none" : result.ReachablePorts.ToString())} ({result.ReachablePorts.Count} of {ports.Count} ports)");
                foreach (var range in result.Ranges)
                    if (!ReachableOnly || range.Reachable) WriteObject(range);
            }
    }

    internal static bool TryParsePorts(IEnumerable<string> texts, out PortSet ports, out string? bad)
    {
        var ranges = new List<PortRange>();
        bad = null;
        foreach (var part in texts.SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var pieces = part.Split('-', StringSplitOptions.TrimEntries);
            if (pieces.Length is < 1 or > 2
                || !int.TryParse(pieces[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(pieces[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                || from > to || to > 65535)
            {
                bad = part;
                ports = PortSet.Empty;
                return false;
            }
            ranges.Add(new PortRange(from, to));
        }
        ports = PortSet.Of(ranges);
        if (ports.IsEmpty) { bad = string.Join(",", texts); return false; }
        return true;
    }
}
