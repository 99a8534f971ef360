using PacketWalk.Core.Model;

namespace PacketWalk.PowerShell;

/// <summary>What one NACL does with a packet: every port passes, none does, or only some.</summary>
public enum NaclHopDecision { Allow = 0, Deny = 1, Partial = 2 }

/// <summary>The output of Test-NaclHop: one NACL, one direction, one peer address. Scalar properties only.</summary>
public sealed class NaclHopResult
{
    public string NetworkAclId { get; init; } = "";
    public string? VpcId { get; init; }
    public string? OwnerId { get; init; }
    public string? Region { get; init; }
    public RuleDirection Direction { get; init; }
    /// <summary>The peer the rules match: the source for inbound, the destination for outbound.</summary>
    public string Address { get; init; } = "";
    public string Protocol { get; init; } = "";
    /// <summary>The destination port or range tested; empty for protocols without ports.</summary>
    public string? Port { get; init; }
    public int? IcmpType { get; init; }
    public int? IcmpCode { get; init; }
    /// <summary>The deciding rule's number (32767 for the implicit * rule).</summary>
    public int? RuleNumber { get; init; }
    /// <summary>allow or deny, as the console writes it.</summary>
    public string? RuleAction { get; init; }
    /// <summary>The deciding rule in the console's words.</summary>
    public string? Rule { get; init; }
    public NaclHopDecision Decision { get; init; }
    public string? AllowedPorts { get; init; }
    public string? DeniedPorts { get; init; }
    /// <summary>Every rule that decided some of the ports, in rule order: "rule 100 allow tcp 443 0.0.0.0/0 => 443".</summary>
    public string? MatchedRules { get; init; }

    public bool Allowed => Decision == NaclHopDecision.Allow;

    public override string ToString() => $"{NetworkAclId} {Direction} {Address} {Protocol}{(Port is null ? "" : "/" + Port)}: {Decision} ({Rule})";
}
