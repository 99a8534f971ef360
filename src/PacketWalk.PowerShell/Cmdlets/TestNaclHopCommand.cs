using System.Globalization;
using System.Management.Automation;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Evaluates one network ACL for one packet, the way the console's rule list reads.</para>
/// <para type="description">Inbound rules match the packet's source address, outbound rules its destination. Without -Port or -PortRange, a tcp or udp test covers every port and reports which ports pass (Decision Partial when only some do).</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "NaclHop", DefaultParameterSetName = PortSet)]
[OutputType(typeof(NaclHopResult))]
public sealed class TestNaclHopCommand : PacketWalkCmdlet
{
    private const string PortSet = "Port";
    private const string RangeSet = "PortRange";
    public const string NaclNotFoundId = "PacketWalkNetworkAclNotFound";
    public const string InvalidAddressId = "PacketWalkInvalidAddress";
    public const string InvalidPortRangeId = "PacketWalkInvalidPortRange";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NetworkAclIds")]
    [ArgumentCompleter(typeof(NetworkAclIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] NetworkAclId { get; set; } = Array.Empty<string>();

    /// <summary>Inbound (rules match the source) or Outbound (rules match the destination).</summary>
    [Parameter(Mandatory = true)]
    public RuleDirection Direction { get; set; }

    /// <summary>The peer address the rules are matched against: the packet's source for Inbound, its destination for Outbound.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IpAddress")]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = "";

    [Parameter]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    [ValidateNotNullOrEmpty]
    public string Protocol { get; set; } = "tcp";

    /// <summary>One destination port (tcp, udp).</summary>
    [Parameter(ParameterSetName = PortSet)]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    /// <summary>A destination port range 'from-to', e.g. '1024-65535' for the ephemeral range of a reply.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RangeSet)]
    [ValidateNotNullOrEmpty]
    public string PortRange { get; set; } = "";

    [Parameter]
    [ValidateRange(0, 255)]
    public int? IcmpType { get; set; }

    [Parameter]
    [ValidateRange(0, 255)]
    public int? IcmpCode { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object Snapshot { get; set; } = null!;

    private int _protocol;
    private PortSet _ports = Core.Net.PortSet.All;
    private string? _portText;

    protected override void BeginProcessing()
    {
        ValidateProtocol();
        var hasPorts = IpProtocol.HasPorts(_protocol);
        if (ParameterSetName == RangeSet)
        {
            if (!TryParseRange(PortRange, out var from, out var to))
                ThrowTerminatingError(InputError(InvalidPortRangeId, ErrorCategory.InvalidArgument,
                    $"-PortRange '{PortRange}' is not a port range: write 'from-to' with 0 <= from <= to <= 65535, e.g. '1024-65535'.", PortRange));
            _ports = Core.Net.PortSet.Of(from, to);
            _portText = new PortRange(from, to).ToString();
        }
        else if (Port is { } p)
        {
            _ports = Core.Net.PortSet.Of(p);
            _portText = p.ToString(CultureInfo.InvariantCulture);
        }
        if (!hasPorts && _portText is not null)
            ThrowTerminatingError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                $"-Port and -PortRange apply only to tcp and udp, not {IpProtocol.Name(_protocol)}.", _portText));
        if (!IpProtocol.IsIcmpFamily(_protocol) && (IcmpType is not null || IcmpCode is not null))
            ThrowTerminatingError(InputError(WalkErrorIds.InvalidPacket, ErrorCategory.InvalidArgument,
                $"-IcmpType and -IcmpCode apply only to icmp and icmpv6, not {IpProtocol.Name(_protocol)}.", IcmpType));
        if (hasPorts && _portText is null) _portText = "0-65535";
        if (!hasPorts) _ports = Core.Net.PortSet.Of(0); // a token: rules for portless protocols match or not as a whole
    }

    private void ValidateProtocol()
    {
        if (!IpProtocol.TryParse(Protocol, out _protocol) || _protocol == IpProtocol.All)
            ThrowTerminatingError(InputError(PacketPathCommandBase.InvalidProtocolId, ErrorCategory.InvalidArgument,
                $"-Protocol '{Protocol}' is not a packet protocol: use tcp, udp, icmp, icmpv6 or a protocol number 0-255.", Protocol));
    }

    protected override void ProcessRecord()
    {
        var snapshot = ResolveSnapshot(Snapshot);
        if (!IpAddress.TryParse(Address, out var peer))
        {
            WriteError(InputError(InvalidAddressId, ErrorCategory.InvalidArgument,
                $"-Address '{Address}' is not an IPv4 or IPv6 address. Give the packet's source for Inbound, its destination for Outbound.", Address));
            return;
        }
        foreach (var id in NetworkAclId)
        {
            if (!snapshot.Model.NetworkAcls.TryGetValue(id, out var acl))
            {
                WriteError(InputError(NaclNotFoundId, ErrorCategory.ObjectNotFound, $"Network ACL {id} is not in the snapshot.", id));
                continue;
            }
            NaclDecision decision;
            try
            {
                decision = NaclEvaluator.Evaluate(acl, Direction, peer, _protocol, _ports, IcmpType, IcmpCode);
            }
            catch (Exception ex) when (!IsFatal(ex))
            {
                ThrowInternal(ex, id);
                return;
            }
            WriteObject(ToResult(acl, peer, decision));
        }
    }

    private NaclHopResult ToResult(NetworkAcl acl, IpAddress peer, NaclDecision decision)
    {
        var hasPorts = IpProtocol.HasPorts(_protocol);
        var deciding = decision.DecidingMatch;
        return new NaclHopResult
        {
            NetworkAclId = acl.NetworkAclId,
            VpcId = acl.VpcId,
            OwnerId = acl.OwnerId ?? acl.Origin.OwnerId,
            Region = acl.Origin.Region,
            Direction = Direction,
            Address = peer.ToString(),
            Protocol = IpProtocol.Name(_protocol),
            Port = hasPorts ? _portText : null,
            IcmpType = IcmpType,
            IcmpCode = IcmpCode,
            RuleNumber = deciding?.Entry.RuleNumber,
            RuleAction = deciding is null ? null : deciding.Entry.Allow ? "allow" : "deny",
            Rule = decision.RuleText,
            Decision = decision.AllowsAll ? NaclHopDecision.Allow : decision.DeniesAll ? NaclHopDecision.Deny : NaclHopDecision.Partial,
            AllowedPorts = hasPorts ? decision.Allowed.ToString() : null,
            DeniedPorts = hasPorts ? decision.Denied.ToString() : null,
            MatchedRules = string.Join("; ", decision.Matches.Select(m => hasPorts ? $"{m.Entry.Text} => {m.Ports}" : m.Entry.Text)),
        };
    }

    private static bool TryParseRange(string text, out int from, out int to)
    {
        from = to = 0;
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out from)) return false;
        if (parts.Length == 1) to = from;
        else if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out to)) return false;
        return from >= 0 && to <= 65535 && from <= to;
    }
}
