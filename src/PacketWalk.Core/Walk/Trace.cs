using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Walk;

/// <summary>
/// How a leg ended. ReachedEdge: the packet left the estate at a VPN, Direct Connect gateway or virtual private gateway;
/// what lies beyond (on-premises) is out of scope (R-TGW-20).
/// </summary>
internal enum OutcomeKind { Delivered, Blocked, Unknown, Ambiguous, ReachedEdge }

/// <summary>
/// One delivery by a transit gateway into a VPC attachment subnet, kept to compare forward and return (R-TGW-6/7, R-RT-13).
/// <paramref name="MiddleboxTarget"/> is the appliance the attachment subnet's route table sends the packet to (an ENI,
/// instance or endpoint), null when it routes the packet on to a VPC-local destination or a gateway.
/// </summary>
internal sealed record TgwDelivery(string TransitGatewayId, string AttachmentId, string VpcId, string SubnetId, string AvailabilityZone,
    bool ApplianceMode, string? MiddleboxTarget);

/// <summary>What a leg has recorded so far. Cloned at a branch so each alternative keeps its own record.</summary>
internal sealed class Trace
{
    public List<PacketHop> Hops { get; } = new();
    public List<string> Path { get; } = new();
    public List<string> Notes { get; } = new();
    /// <summary>(resource, step) pairs already visited in this leg, to stop routing loops.</summary>
    public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);
    /// <summary>The first filter that let only part of the port set through: where the verdict points when ports narrow.</summary>
    public PacketHop? FirstNarrowing { get; set; }
    /// <summary>Every delivery from a transit gateway into a VPC on this leg, in order.</summary>
    public List<TgwDelivery> TgwDeliveries { get; } = new();
    /// <summary>Appliance-mode attachments whose flow pin this leg looked up: only pins on these can change the leg (R-TGW-6).</summary>
    public HashSet<string> ConsultedPins { get; } = new(StringComparer.Ordinal);
    /// <summary>Every check that blocked on this leg, in path order (the walk goes on past filters only in walk-on mode).</summary>
    public List<PacketBlocker> Blockers { get; } = new();
    /// <summary>Destination ports a filter removed from the packet's set, with the hop that removed them, in path order.</summary>
    public List<PortDrop> PortDrops { get; } = new();

    /// <summary>What this leg is heading for: arriving at any other interface with the destination address is a wrong delivery.</summary>
    public Endpoint? Target { get; set; }
    /// <summary>Source translations made on this leg (NAT gateway), in order; the return leg undoes them (§0 step 7).</summary>
    public List<NatTranslation> Translations { get; } = new();
    /// <summary>On the return leg: the translations the forward leg made, so a NAT gateway can map the reply back.</summary>
    public IReadOnlyList<NatTranslation> ForwardTranslations { get; set; } = Array.Empty<NatTranslation>();
    /// <summary>On the return leg: the components the forward leg passed, so a stateful gateway can admit the reply.</summary>
    public IReadOnlyList<string> ForwardPath { get; set; } = Array.Empty<string>();
    /// <summary>Appliance ENIs (middlebox routing) this leg went through, in order.</summary>
    public List<string> Appliances { get; } = new();
    /// <summary>On the return leg: the appliances of the forward leg, whose connection tracking admits the reply.</summary>
    public IReadOnlyList<string> ForwardAppliances { get; set; } = Array.Empty<string>();
    /// <summary>The VPC the packet last entered from outside, and through what (vpc-peering, virtual-private-gateway, …).</summary>
    public (string VpcId, string Via)? EnteredVpc { get; set; }
    /// <summary>Set on the return leg when a NAT gateway's ports narrowed: the NAT-side ports that get back, for the verdict.</summary>
    public (string NatGatewayId, PortSet Allowed, PortSet Of)? NatPortNarrowing { get; set; }

    /// <summary>
    /// Routing decisions this leg may still make across all its branches. Each branch has its own loop check, but
    /// branches multiply (ECMP, undocumented AZ choice at every TGW exit), so a hostile estate could make a walk
    /// exponential; the shared budget turns that into an Unknown verdict instead of a hang.
    /// </summary>
    public WorkBudget Work { get; private set; } = new(MaxRoutingDecisions);

    public const int MaxRoutingDecisions = 4096;

    public Trace Clone()
    {
        var t = new Trace
        {
            FirstNarrowing = FirstNarrowing, Work = Work, Target = Target, ForwardTranslations = ForwardTranslations,
            ForwardAppliances = ForwardAppliances, ForwardPath = ForwardPath, EnteredVpc = EnteredVpc, NatPortNarrowing = NatPortNarrowing,
        };
        t.TgwDeliveries.AddRange(TgwDeliveries);
        t.ConsultedPins.UnionWith(ConsultedPins);
        t.Blockers.AddRange(Blockers);
        t.PortDrops.AddRange(PortDrops);
        t.Hops.AddRange(Hops);
        t.Path.AddRange(Path);
        t.Notes.AddRange(Notes);
        t.Visited.UnionWith(Visited);
        t.Translations.AddRange(Translations);
        t.Appliances.AddRange(Appliances);
        return t;
    }

    public void Note(string note)
    {
        if (!Notes.Contains(note)) Notes.Add(note);
    }

    public void AddToPath(string eniId)
    {
        if (Path.Count == 0 || Path[^1] != eniId) Path.Add(eniId);
    }
}

/// <summary>Ports a filter denied while the rest of the set went on: where each port's walk ended (Get-ReachablePort).</summary>
internal sealed record PortDrop(PortSet Ports, PacketHop Hop, string Reason, string Rule);

/// <summary>A countdown shared by a leg and every branch cloned from it.</summary>
internal sealed class WorkBudget
{
    private int _remaining;
    public WorkBudget(int total) => _remaining = total;
    /// <summary>Takes one unit; false once the budget is spent.</summary>
    public bool TryTake() => --_remaining >= 0;
}

/// <summary>How a leg ended: delivered to an interface, or stopped with the deciding resource.</summary>
internal sealed record LegOutcome(OutcomeKind Kind, Trace Trace, Packet Packet)
{
    public NetworkInterface? DeliveredTo { get; init; }
    /// <summary>Where a delivered leg ended: an interface, the internet behind a gateway, a gateway endpoint's service, an attachment.</summary>
    public Terminus? Reached { get; init; }
    public string? At { get; init; }
    public string? Reason { get; init; }
    public string? Rule { get; init; }
    public string? Explanation { get; init; }
    /// <summary>For ReachedEdge: the edge the packet left by (a VPN or Direct Connect gateway attachment, or a vgw- id).</summary>
    public string? EdgeId { get; init; }
    /// <summary>For ReachedEdge: vpn, direct-connect-gateway or vpn-gateway.</summary>
    public string? EdgeKind { get; init; }
    /// <summary>For an edge on a transit gateway: that TGW (the reply re-enters through the attachment's route table).</summary>
    public string? EdgeTransitGatewayId { get; init; }
    /// <summary>For a virtual private gateway edge: the VPC the reply re-enters.</summary>
    public string? EdgeVpcId { get; init; }

    /// <summary>
    /// Where <see cref="PacketWalker"/>'s Branch found that every alternative ends alike, the alternatives themselves
    /// (this one first). They can still differ in what the reply meets — an appliance-mode AZ pin, the edge attachment —
    /// so the return is walked from each distinct one.
    /// </summary>
    public IReadOnlyList<LegOutcome>? Variants { get; init; }
    /// <summary>The resource where AWS's choice between <see cref="Variants"/> is made, and why.</summary>
    public string? ChoiceAt { get; init; }
    public string? ChoiceWhy { get; init; }
    /// <summary>Set when the choice is the snapshot's gap, not AWS's (R-AZ-1): a reply that depends on it is Unknown with this reason.</summary>
    public string? ChoiceUnknownReason { get; init; }

    public IReadOnlyList<LegOutcome> AllVariants => Variants ?? new[] { this };

    /// <summary>
    /// Two outcomes with one signature end the same way. The surviving port set counts: a NACL on one alternative that
    /// narrows the ports makes that alternative end differently. Edges count by kind, not by which attachment. In walk-on
    /// mode the blockers met count too: two alternatives past different filters do not end the same way.
    /// </summary>
    public string Signature => Kind == OutcomeKind.ReachedEdge
        ? $"{Kind}|{Packet.DestinationPorts}|{BlockersKey}"
        : $"{Kind}|{At}|{Reason}|{DeliveredTo?.NetworkInterfaceId}|{Reached?.ComponentId}|{Packet.DestinationPorts}|{BlockersKey}";

    private string BlockersKey => string.Join(",", Trace.Blockers.Select(b => $"{b.Component}:{b.Reason}:{b.BlockedPorts}"));

    /// <summary>What the reply depends on besides the flow pins: where the forward ended.</summary>
    public string ReturnKey => $"{Kind}|{DeliveredTo?.NetworkInterfaceId}|{Reached?.ComponentId}|{EdgeId}|{Packet.Source}|{Packet.DestinationPorts}";
}

/// <summary>One source translation: the NAT gateway rewrote Original* to Translated* (R-NAT-1/2).</summary>
internal sealed record NatTranslation(string NatGatewayId, IpAddress OriginalSource, PortSet OriginalPorts, IpAddress TranslatedSource, PortSet TranslatedPorts);

internal enum TerminusKind
{
    /// <summary>An ENI received the packet (instance, NAT gateway, interface endpoint, …).</summary>
    Interface,
    /// <summary>The packet left through an internet gateway to an address outside the estate.</summary>
    Internet,
    /// <summary>The packet left through an egress-only internet gateway (IPv6).</summary>
    EgressOnlyInternet,
    /// <summary>The packet reached the AWS service behind a gateway endpoint.</summary>
    GatewayEndpointService,
    /// <summary>The packet reached the transit gateway attachment named as the destination.</summary>
    TransitGatewayAttachment,
}

/// <summary>Where a delivered leg ended; the return leg starts here with the reply built from the final header.</summary>
internal sealed record Terminus(TerminusKind Kind, string ComponentId)
{
    public NetworkInterface? Interface { get; init; }
    public string? VpcId { get; init; }
    public string? TransitGatewayId { get; init; }
    /// <summary>The AZ the leg ended in: the interface's, or for an attachment the AZ the packet entered the TGW in.</summary>
    public ZoneRef? Zone { get; init; }
    /// <summary>For an attachment: the attachment subnet when the packet entered the transit gateway through it from its VPC.</summary>
    public string? EntrySubnetId { get; init; }
}
