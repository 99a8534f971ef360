using System.Diagnostics;
using System.Management.Automation;
using PacketWalk.Core.FlowLogs;
using PacketWalk.Core.Net;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads VPC Flow Log records, typed, from files, folders, an S3 bucket or the pipeline, and filters them.</para>
/// <para type="description">Reads the default version-2 format and custom formats (from the header line of S3 files, or -LogFormat), plain or gzip, one record at a time: a day of logs is never loaded whole. Pipeline input may be lines of text, CloudWatch Logs events (objects with Message, as Get-CWLFilteredLogEvent returns), Logs Insights result rows (Field/Value pairs) or files. Writes one FlowLogRecord per record kept, for Format-Table, Where-Object and Export-Csv.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FlowLogRecord", DefaultParameterSetName = FileSet)]
[OutputType(typeof(FlowLogRecord))]
public sealed class GetFlowLogRecordCommand : FlowLogCmdletBase
{
    private const string FileSet = "Path";

    /// <summary>Flow-log files or folders (searched recursively for .log, .log.gz, .gz and .txt files, e.g. an S3 download of AWSLogs/). Wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [Alias("LogPath")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Records from the pipeline: lines, CloudWatch Logs events, Logs Insights rows, FlowLogRecord objects, files.</summary>
    [Parameter(ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>Keep records of these network interfaces.</summary>
    [Parameter]
    [Alias("InterfaceId", "NetworkInterfaceId")]
    [ValidateNotNullOrEmpty]
    public string[]? Interface { get; set; }

    /// <summary>Keep records whose srcaddr, dstaddr, pkt-srcaddr or pkt-dstaddr is one of these.</summary>
    [Parameter]
    [Alias("IpAddress")]
    [ValidateNotNullOrEmpty]
    public string[]? Address { get; set; }

    /// <summary>Keep records whose source or destination port is one of these.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int[]? Port { get; set; }

    /// <summary>tcp, udp, icmp, icmpv6 or a protocol number.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Protocol { get; set; }

    [Parameter]
    [ValidateSet("ACCEPT", "REJECT", IgnoreCase = true)]
    public string? Action { get; set; }

    private bool _pathsRead;
    private readonly Stopwatch _watch = new();

    protected override void BeginProcessing()
    {
        _watch.Start();
        _ = Format;   // a bad -LogFormat stops here
        int? protocol = null;
        if (Protocol is not null)
        {
            if (!IpProtocol.TryParse(Protocol, out var p) || p == IpProtocol.All)
                ThrowTerminatingError(InputError(PacketPathCommandBase.InvalidProtocolId, ErrorCategory.InvalidArgument,
                    $"-Protocol '{Protocol}' is not a protocol: use tcp, udp, icmp, icmpv6 or a protocol number 0-255.", Protocol));
            protocol = p;
        }
        var addresses = new List<IpAddress>();
        foreach (var a in Address ?? Array.Empty<string>())
        {
            if (!IpAddress.TryParse(a, out var ip))
                ThrowTerminatingError(InputError(TestNaclHopCommand.InvalidAddressId, ErrorCategory.InvalidArgument, $"-Address '{a}' is not an IPv4 or IPv6 address.", a));
            addresses.Add(ip);
        }
        ReadFilter = new FlowLogFilter
        {
            InterfaceIds = Interface,
            Addresses = addresses.Count == 0 ? null : addresses,
            Ports = Port is { Length: > 0 } ? PortSet.Of(Port.Select(p => new PortRange(p, p))) : null,
            Protocol = protocol,
            Action = Action?.ToUpperInvariant(),
            StartTime = StartTimeOffset,
            EndTime = EndTimeOffset,
        };
        WriteVerbose($"Filter: {ReadFilter}");
    }

    protected override void ProcessRecord()
    {
        ReadNamedSources();
        if (InputObject is not null)
            foreach (var record in RecordsFromInput(InputObject))
                WriteObject(record);
    }

    /// <summary>-Path and -S3BucketName are read once, at the first input (or at the end when nothing is piped).</summary>
    private void ReadNamedSources()
    {
        if (_pathsRead) return;
        _pathsRead = true;
        if (Path is { Length: > 0 })
            foreach (var full in ResolveLogPaths(Path))
                foreach (var record in ReadPath(full))
                    WriteObject(record);
        if (S3BucketName is not null)
            foreach (var record in ReadS3())
                WriteObject(record);
    }

    protected override void EndProcessing()
    {
        ReadNamedSources();
        ReportSkippedIssues();
        WriteReadStatistics(_watch.Elapsed);
    }
}
