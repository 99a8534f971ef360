using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Fixes;

/// <summary>What kind of change a fix makes; names follow the AWS.Tools cmdlet that makes it.</summary>
public enum PathFixKind
{
    /// <summary>Grant-EC2SecurityGroupIngress.</summary>
    SecurityGroupIngress,
    /// <summary>Grant-EC2SecurityGroupEgress.</summary>
    SecurityGroupEgress,
    /// <summary>New-EC2NetworkAclEntry.</summary>
    NetworkAclEntry,
    /// <summary>New-EC2Route.</summary>
    Route,
    /// <summary>Set-EC2Route (ReplaceRoute).</summary>
    ReplaceRoute,
    /// <summary>New-EC2TransitGatewayRoute.</summary>
    TransitGatewayRoute,
    /// <summary>Set-EC2TransitGatewayRoute (ReplaceTransitGatewayRoute).</summary>
    ReplaceTransitGatewayRoute,
    /// <summary>Register-EC2TransitGatewayRouteTable (AssociateTransitGatewayRouteTable).</summary>
    TransitGatewayRouteTableAssociation,
    /// <summary>Edit-EC2NetworkInterfaceAttribute -SourceDestCheck $false.</summary>
    SourceDestCheck,
    /// <summary>A change of structure (an attachment subnet, an attachment's state) PacketWalk describes but does not model.</summary>
    Structural,
    /// <summary>New-EC2TransitGatewayPolicyTableEntry (CreateTransitGatewayPolicyTableEntry).</summary>
    TransitGatewayPolicyTableEntry,
    /// <summary>New-EC2VpcBlockPublicAccessExclusion (CreateVpcBlockPublicAccessExclusion).</summary>
    BlockPublicAccessExclusion,
}

/// <summary>
/// The smallest change that clears one blocker, as AWS.Tools for PowerShell command text (never run by PacketWalk) and
/// as a structured <see cref="ModelEdit"/> that can be applied to a model in memory. Resource ids carry the SDK's
/// property names so a fix pipes by property name into AWS.Tools (Get-EC2SecurityGroup, Get-EC2NetworkAcl, …).
/// </summary>
public sealed class PathFix
{
    public int Sequence { get; internal set; }
    /// <summary>1 for blocks found on the first walk; 2 and up for blocks reached only once earlier fixes were applied in memory.</summary>
    public int Round { get; init; }
    public PathFixKind Kind { get; init; }
    /// <summary>Ready-to-run AWS.Tools command text; null where no single command fixes it (see <see cref="Note"/>).</summary>
    public string? Command { get; init; }
    /// <summary>The change in words: what is added or replaced, where, and why there.</summary>
    public string Change { get; init; } = "";
    /// <summary>A structural fix is described but not modelled: it is left out when the fixes are applied in memory.</summary>
    public bool Structural => Edit is null;
    public string? Note { get; init; }

    /// <summary>The flow the fix is for.</summary>
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Protocol { get; init; } = "";
    public int? Port { get; init; }

    /// <summary>The blocker this fix clears.</summary>
    public WalkDirection Direction { get; init; }
    public HopStep Step { get; init; }
    public string? BlockedAt { get; init; }
    public string BlockerReason { get; init; } = "";

    /// <summary>The id of the resource the command changes.</summary>
    public string? ResourceId { get; init; }
    public string? Region { get; init; }
    public string? OwnerId { get; init; }
    public string? VpcId { get; init; }
    public string? GroupId { get; init; }
    public string? NetworkAclId { get; init; }
    public string? RouteTableId { get; init; }
    public string? TransitGatewayId { get; init; }
    public string? TransitGatewayRouteTableId { get; init; }
    public string? TransitGatewayAttachmentId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    public string? SubnetId { get; init; }

    /// <summary>The change as data; null for a structural fix.</summary>
    public ModelEdit? Edit { get; init; }
    public PacketBlocker? Blocker { get; init; }

    public override string ToString() => Command ?? $"({Kind}) {Change}";
}

/// <summary>What <see cref="PathFixPlanner.Plan"/> found: the fixes, and the walk before and after applying them in memory.</summary>
public sealed class FixPlan
{
    public WalkRequest Request { get; init; } = null!;
    /// <summary>The walk (with every blocker) on the model as given.</summary>
    public PacketPathResult Before { get; init; } = null!;
    /// <summary>The walk on the model with every non-structural fix applied.</summary>
    public PacketPathResult After { get; init; } = null!;
    public IReadOnlyList<PathFix> Fixes { get; init; } = Array.Empty<PathFix>();
    /// <summary>The model with every non-structural fix applied.</summary>
    public NetworkModel FixedModel { get; init; } = null!;
    /// <summary>Why the plan stops short of Reachable, where it does.</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
    /// <summary>True when the fixed walk is Reachable, or ReachableToEdge where the flow leaves the estate (VPN, Direct Connect).</summary>
    public bool Cleared => PathFixPlanner.Cleared(After);
    public IEnumerable<ModelEdit> Edits => Fixes.Where(f => f.Edit is not null).Select(f => f.Edit!);
}

public sealed record FixOptions
{
    /// <summary>Always name the peer by address (/32, /128), even where a security-group reference would work.</summary>
    public bool AddressOnly { get; init; }
    /// <summary>How many times to apply the fixes so far and walk again to find blocks that only a fixed path reaches.</summary>
    public int MaxRounds { get; init; } = 8;
}
