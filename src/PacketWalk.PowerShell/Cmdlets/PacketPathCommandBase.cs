using System.Management.Automation;
using PacketWalk.Core.Live;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;
using PacketWalk.PowerShell.Aws;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// The parameters and the walk shared by Get-PacketPath and Test-PacketPath: on a snapshot (-Snapshot), or live against
/// AWS with the common credential parameters when -Snapshot is not given.
/// </summary>
public abstract class PacketPathCommandBase : AwsReadingCmdlet
{
    public const string SnapshotParameterSet = "Snapshot";

    public const string InvalidProtocolId = "PacketWalkInvalidProtocol";
    public const string PortRequiredId = "PacketWalkPortRequired";

    /// <summary>
    /// Instance, ENI, NAT gateway (nat-), VPC endpoint (vpce-), internet gateway (igw-), transit gateway attachment
    /// (tgw-attach-) or virtual private gateway (vgw-) id, or an IP address (an address outside every VPC is an internet
    /// host); or an object with an InstanceId / NetworkInterfaceId / PrivateIpAddress property.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceId", "NetworkInterfaceId")]
    [ArgumentCompleter(typeof(EndpointIdCompleter))]
    [ValidateNotNull]
    public object Source { get; set; } = null!;

    /// <summary>
    /// As for -Source (except vgw-); a gateway endpoint (vpce-) stands for its service, an internet gateway for the internet
    /// behind it, and either is reached only if the packet ends there.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EndpointIdCompleter))]
    [ValidateNotNull]
    public object Destination { get; set; } = null!;

    /// <summary>tcp (default), udp, icmp, icmpv6 or an IP protocol number 0-255.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    [ValidateNotNullOrEmpty]
    public string Protocol { get; set; } = "tcp";

    // The nullable numbers bound by property name take $null: a piped walk result or matrix row carries
    // IcmpType = $null (or Port = $null for icmp), which means "not given" (ValidateRange would reject it).

    /// <summary>Destination port; required for tcp and udp.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRangeOrNull(0, 65535)]
    public int? Port { get; set; }

    /// <summary>Client port; when omitted the return path is checked for the whole ephemeral range.</summary>
    /// <remarks>Not bound by property name: walk results carry SourcePort as text ("1024-65535").</remarks>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int? SourcePort { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRangeOrNull(0, 255)]
    public int? IcmpType { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRangeOrNull(0, 255)]
    public int? IcmpCode { get; set; }

    /// <summary>Picks the source when its IP address exists in several VPCs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VpcIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string? SourceVpcId { get; set; }

    /// <summary>Picks the destination when its IP address exists in several VPCs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VpcIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string? DestinationVpcId { get; set; }

    /// <summary>
    /// The source address, as Reachability Analyzer's SourceIp: required for an igw-, tgw-attach- or vgw- source (the
    /// internet or on-premises host), and picks one of an instance's or ENI's addresses.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SourceIp { get; set; }

    /// <summary>The destination address, as Reachability Analyzer's DestinationIp (see -SourceIp).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? DestinationIp { get; set; }

    /// <summary>A snapshot folder or file path, or an object from Import-PacketWalkSnapshot. Without it the walk reads live AWS.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SnapshotParameterSet, ValueFromPipelineByPropertyName = true)]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object Snapshot { get; set; } = null!;

    /// <summary>The AWS region to read (live walks). Default: AWS.Tools' order ($StoredAWSRegion, profile, AWS_REGION, …).</summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("RegionToCall")]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    protected override IReadOnlyList<string> RegionNames => Region is null ? Array.Empty<string>() : new[] { Region };

    protected override void ProcessRecord()
    {
        if (!TryBuildPacket(out var protocol)) return;

        var sources = EndpointArgument.ToIds(Source, nameof(Source));
        var destinations = EndpointArgument.ToIds(Destination, nameof(Destination));
        if (sources.Count == 0) { WriteError(InputError(WalkErrorIds.InvalidEndpoint, ErrorCategory.InvalidArgument, "-Source names no instance, network interface or IP address.", Source)); return; }
        if (destinations.Count == 0) { WriteError(InputError(WalkErrorIds.InvalidEndpoint, ErrorCategory.InvalidArgument, "-Destination names no instance, network interface or IP address.", Destination)); return; }

        var snapshot = ParameterSetName == SnapshotParameterSet ? ResolveSnapshot(Snapshot) : LiveSnapshot(sources.Concat(destinations).Concat(new[] { SourceIp, DestinationIp }.OfType<string>()).ToList());
        var walker = snapshot.GetWalker();
        foreach (var source in sources)
            foreach (var destination in destinations)
            {
                var request = new WalkRequest
                {
                    Source = source,
                    Destination = destination,
                    Protocol = protocol,
                    Port = Port,
                    SourcePort = SourcePort,
                    IcmpType = IcmpType,
                    IcmpCode = IcmpCode,
                    SourceVpcId = SourceVpcId,
                    DestinationVpcId = DestinationVpcId,
                    SourceIp = SourceIp,
                    DestinationIp = DestinationIp,
                    AllBlockers = WalkAllBlockers,
                };
                WriteVerbose($"Walking {source} -> {destination} {IpProtocol.Name(protocol)}{(Port is { } p ? "/" + p : "")}");
                if (!TryEngineCall(() => walker.Walk(request), source, request, out var result)) continue;
                SnapshotRegistry.RememberOrigin(result, snapshot);
                Emit(result);
            }
    }

    /// <summary>True when the walk should go on past each block and list every blocker (Test-PacketPath -AllBlockers).</summary>
    protected virtual bool WalkAllBlockers => false;

    /// <summary>
    /// Reads from live AWS what walks between these endpoints need (each piped input reads afresh: the estate may have
    /// changed), and returns a walker over it. Refused kinds were written as warnings and make the walk say Unknown there.
    /// </summary>
    private PacketWalkSnapshot LiveSnapshot(IReadOnlyList<string> endpoints)
    {
        var (aws, sessions) = OpenSessions(Region);
        var read = RunLive(observer => aws.ReadForWalk(sessions, endpoints, observer, Cancellation), "reading AWS");
        try
        {
            // Wrapped like a loaded snapshot, so a live result draws and formats as one read from files does.
            var model = read.BuildModel();
            return new PacketWalkSnapshot(sessions.Descriptions.Select(d => "live: " + d).ToList(), model, model.Warnings, read.Elapsed);
        }
        catch (LiveAwsException ex)
        {
            ThrowTerminatingError(LiveError(ex));
            return null!;
        }
    }

    /// <summary>Writes one walk's output.</summary>
    protected abstract void Emit(PacketPathResult result);

    /// <summary>Checks the packet's shape for this input; writes a non-terminating error and returns false when it is wrong.</summary>
    private bool TryBuildPacket(out int protocol)
    {
        if (!IpProtocol.TryParse(Protocol, out protocol) || protocol == IpProtocol.All)
        {
            WriteError(InputError(InvalidProtocolId, ErrorCategory.InvalidArgument,
                $"-Protocol '{Protocol}' is not a packet protocol: use tcp, udp, icmp, icmpv6 or a protocol number 0-255.", Protocol));
            return false;
        }
        var name = IpProtocol.Name(protocol);
        if (IpProtocol.HasPorts(protocol))
        {
            if (Port is null)
            {
                WriteError(InputError(PortRequiredId, ErrorCategory.InvalidArgument,
                    $"-Port is required for {name}: give the destination port, for example -Port 443.", Source));
                return false;
            }
            if (IcmpType is not null || IcmpCode is not null)
            {
                WriteError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                    $"-IcmpType and -IcmpCode apply only to icmp and icmpv6, not {name}.", Source));
                return false;
            }
            return true;
        }
        if (Port is not null || SourcePort is not null)
        {
            WriteError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                $"-Port and -SourcePort apply only to tcp and udp, not {name}.{(IpProtocol.IsIcmpFamily(protocol) ? " Use -IcmpType and -IcmpCode." : "")}", Source));
            return false;
        }
        if (!IpProtocol.IsIcmpFamily(protocol) && (IcmpType is not null || IcmpCode is not null))
        {
            WriteError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                $"-IcmpType and -IcmpCode apply only to icmp and icmpv6, not {name}.", Source));
            return false;
        }
        if (IcmpCode is not null && IcmpType is null)
        {
            WriteError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                "-IcmpCode needs -IcmpType.", Source));
            return false;
        }
        return true;
    }
}

/// <summary>Like ValidateRange, but $null passes: for nullable numbers that piped objects bind by property name.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateRangeOrNullAttribute : ValidateArgumentsAttribute
{
    public ValidateRangeOrNullAttribute(int minRange, int maxRange) { MinRange = minRange; MaxRange = maxRange; }

    public int MinRange { get; }
    public int MaxRange { get; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject pso ? pso.BaseObject : arguments;
        if (value is null) return;
        var number = LanguagePrimitives.ConvertTo<long>(value);
        if (number < MinRange || number > MaxRange)
            throw new ValidationMetadataException($"The argument {number} is outside the range {MinRange}-{MaxRange}.");
    }
}

/// <summary>Tab completion for -Protocol, from a fixed list (never a network call).</summary>
public sealed class ProtocolCompleter : IArgumentCompleter
{
    private static readonly string[] Names = { "tcp", "udp", "icmp", "icmpv6" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
        Names.Where(n => n.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
             .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}
