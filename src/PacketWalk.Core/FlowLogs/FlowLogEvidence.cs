using System.Collections;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.FlowLogs;

/// <summary>What the flow logs say about the walk as a whole.</summary>
public enum FlowLogVerdict
{
    /// <summary>Every ENI of the computed path logged the flow with the expected action.</summary>
    Confirmed,
    /// <summary>Some ENIs logged nothing. Records are late, aggregated and best effort (R-FL-9): not proof of a drop.</summary>
    Incomplete,
    /// <summary>A REJECT where the walk passes, an ACCEPT where it drops, or the flow on an ENI off the computed path: the model is wrong or the network changed.</summary>
    Contradicted,
}

/// <summary>What one ENI's records say.</summary>
public enum HopEvidenceStatus
{
    /// <summary>Seen with the expected action.</summary>
    Confirmed,
    /// <summary>Seen, but the records carry no action field (an Insights query that did not select it).</summary>
    Seen,
    /// <summary>No record of the flow on this ENI.</summary>
    Missing,
    /// <summary>The action contradicts the walk, or the ENI is not on the computed path.</summary>
    Contradiction,
    /// <summary>The path names no ENI here (a TGW attachment whose ENI is not in the snapshot): flow logs cannot confirm it.</summary>
    Unverifiable,
}

/// <summary>The part an ENI plays on the path; intermediate ENIs log their own address in srcaddr/dstaddr (R-FL-4, R-FL-8).</summary>
public enum FlowLogHopRole
{
    Source,
    Destination,
    TransitGatewayAttachment,
    NatGateway,
    Intermediate,
    /// <summary>The ENI behind a NACL that drops inbound: the walk does not know which ENI the packet was headed for.</summary>
    BehindNacl,
    /// <summary>Not on the computed path.</summary>
    OffPath,
}

/// <summary>What the walk predicts an ENI logs.</summary>
public enum ExpectedFlowAction
{
    Accept,
    Reject,
    /// <summary>The ENI is not on the computed path: it should log nothing of this flow.</summary>
    None,
}

/// <summary>How a record was tied to the hop.</summary>
public enum FlowLogMatchKind
{
    /// <summary>srcaddr/dstaddr are the walk's addresses.</summary>
    Addresses,
    /// <summary>pkt-srcaddr/pkt-dstaddr are the walk's addresses (srcaddr/dstaddr are the intermediate ENI's own, R-FL-4).</summary>
    PacketAddresses,
    /// <summary>Interface id, ports and protocol only: an intermediate ENI without pkt-* fields in the format.</summary>
    InterfaceAndPorts,
}

/// <summary>The records matched to one hop. ToString gives a short text, so Export-Csv writes a readable cell.</summary>
public sealed class FlowLogRecordList : IReadOnlyList<FlowLogRecord>
{
    private readonly List<FlowLogRecord> _records;

    internal FlowLogRecordList(List<FlowLogRecord> records, long total)
    {
        _records = records;
        Total = total;
    }

    /// <summary>All records that matched, including those beyond the kept limit.</summary>
    public long Total { get; }
    public FlowLogRecord this[int index] => _records[index];
    public int Count => _records.Count;
    public IEnumerator<FlowLogRecord> GetEnumerator() => _records.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString()
    {
        if (Total == 0) return "";
        var origins = string.Join(" ", _records.Take(4).Select(r => r.Origin ?? "?"));
        return Total <= 4 ? origins : $"{origins} (+{Total - 4} more)";
    }
}

/// <summary>
/// Flow-log evidence for one ENI of the walk (or one ENI off the path that saw the flow). Flat and scalar apart from
/// <see cref="Records"/>, so Export-Csv writes one clean row per hop.
/// </summary>
public sealed class FlowLogHopEvidence
{
    public WalkDirection Direction { get; init; }
    /// <summary>1-based position in the direction's path; 0 for an ENI off the path.</summary>
    public int Sequence { get; init; }
    /// <summary>The ENI (or the path entry, when the walk could not name one).</summary>
    public string NetworkInterfaceId { get; init; } = "";
    public FlowLogHopRole Role { get; init; }
    public ExpectedFlowAction Expected { get; init; }
    public HopEvidenceStatus Status { get; init; }
    public bool Seen { get; init; }
    /// <summary>ACCEPT, REJECT, "ACCEPT,REJECT" when both were logged, or null when nothing was seen or no record carried an action.</summary>
    public string? Action { get; init; }
    public int AcceptRecords { get; init; }
    public int RejectRecords { get; init; }
    public long Packets { get; init; }
    public long Bytes { get; init; }
    /// <summary>The earliest record start, in this machine's time zone.</summary>
    public DateTimeOffset? FirstSeen => FirstSeenUtc?.ToLocalTime();
    /// <summary>The latest record end, in this machine's time zone.</summary>
    public DateTimeOffset? LastSeen => LastSeenUtc?.ToLocalTime();
    public DateTimeOffset? FirstSeenUtc { get; init; }
    public DateTimeOffset? LastSeenUtc { get; init; }
    /// <summary>The client port(s) the records show, when the walk allowed a range (ephemeral ports).</summary>
    public string? ObservedSourcePort { get; init; }
    /// <summary>How the records were tied to this ENI (Addresses, PacketAddresses, InterfaceAndPorts; several joined by ',').</summary>
    public string? MatchedBy { get; init; }
    public string? Note { get; init; }
    /// <summary>The summary verdict of the whole walk, repeated on every row so a CSV row stands alone.</summary>
    public FlowLogVerdict PathVerdict { get; init; }
    /// <summary>The walk in one line: "i-0a… -> i-0b… tcp/8000 (Reachable)".</summary>
    public string Walk { get; init; } = "";
    public FlowLogRecordList Records { get; init; } = new(new List<FlowLogRecord>(), 0);

    public override string ToString() => $"{Direction} {Sequence} {NetworkInterfaceId} {Status}";
}

/// <summary>The summary of a walk's flow-log evidence, with every hop's evidence.</summary>
public sealed class FlowLogEvidenceReport
{
    public FlowLogVerdict Verdict { get; init; }
    public string Explanation { get; init; } = "";
    public string Walk { get; init; } = "";
    public PathVerdict WalkVerdict { get; init; }
    /// <summary>ENIs the walk expects to log the flow (both directions).</summary>
    public int ExpectedHops { get; init; }
    public int ConfirmedHops { get; init; }
    public int MissingHops { get; init; }
    public int ContradictingHops { get; init; }
    public int OffPathSightings { get; init; }
    /// <summary>Records offered to the matcher (after the reader's filter).</summary>
    public long RecordsExamined { get; init; }
    public long RecordsMatched { get; init; }
    public DateTimeOffset? FirstSeenUtc { get; init; }
    public DateTimeOffset? LastSeenUtc { get; init; }
    public DateTimeOffset? FirstSeen => FirstSeenUtc?.ToLocalTime();
    public DateTimeOffset? LastSeen => LastSeenUtc?.ToLocalTime();
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
    public IReadOnlyList<FlowLogHopEvidence> Hops { get; init; } = Array.Empty<FlowLogHopEvidence>();
    /// <summary>The walk the evidence is for.</summary>
    public PacketPathResult? PacketPath { get; init; }

    public override string ToString() => $"{Walk}: {Verdict} ({ConfirmedHops}/{ExpectedHops} hops confirmed{(ContradictingHops > 0 ? $", {ContradictingHops} contradicting" : "")})";
}
