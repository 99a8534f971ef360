using System.Globalization;
using PacketWalk.Core.Net;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.FlowLogs;

public sealed class FlowLogMatchOptions
{
    /// <summary>Records kept per hop for the evidence's Records list; all matches still count in packets, bytes and times.</summary>
    public int MaxRecordsPerHop { get; init; } = 1000;
}

/// <summary>
/// Checks a computed walk against VPC Flow Log records, the way the seed's bonus section does by hand: every ENI of the
/// forward and return path should have logged the flow, in any order (R-FL-9: records are late, aggregated, unordered).
/// Feed records one at a time with <see cref="Add"/> (they may stream from a 1 GB day of logs; only matches are kept),
/// then call <see cref="Complete"/> for one evidence object per ENI and a summary verdict.
/// </summary>
public sealed class FlowLogEvidenceMatcher
{
    private readonly PacketPathResult _walk;
    private readonly FlowLogMatchOptions _options;
    private readonly FlowTuple _forward;
    private readonly FlowTuple _return;
    private readonly List<Expectation> _expected = new();
    private readonly Dictionary<string, List<Expectation>> _byEni = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(WalkDirection, string), Expectation> _offPath = new();
    private readonly Dictionary<WalkDirection, Expectation> _behindNacl = new();
    private readonly SortedDictionary<string, long> _portsOnlyElsewhere = new(StringComparer.Ordinal);
    private readonly List<string> _walkNotes = new();
    private long _examined, _matched, _withoutInterface;

    public FlowLogEvidenceMatcher(PacketPathResult walk, FlowLogMatchOptions? options = null)
    {
        _walk = walk ?? throw new ArgumentNullException(nameof(walk));
        _options = options ?? new FlowLogMatchOptions();
        if (!IpProtocol.TryParse(walk.Protocol, out var protocol) || protocol == IpProtocol.All)
            throw new FlowLogWalkException($"The walk's protocol '{walk.Protocol}' is not a packet protocol.");
        if (!IpAddress.TryParse(walk.SourceAddress, out var src) || !IpAddress.TryParse(walk.DestinationAddress, out var dst))
            throw new FlowLogWalkException($"The walk has no source and destination address ('{walk.SourceAddress}', '{walk.DestinationAddress}'): pass a walk from Test-PacketPath.");
        PortSet? clientPorts = null, serverPorts = null;
        if (IpProtocol.HasPorts(protocol))
        {
            if (walk.Port is not { } port) throw new FlowLogWalkException($"The {walk.Protocol} walk has no destination port.");
            serverPorts = PortSet.Of(port);
            clientPorts = PortText.TryParse(walk.SourcePort, out var cp) ? cp : PortSet.All;
        }
        _forward = new FlowTuple(src, dst, protocol, clientPorts, serverPorts);
        _return = _forward.Reversed();
        Filter = new FlowLogFilter { Flow = new FlowPortFilter(protocol, clientPorts, serverPorts) };
        BuildExpectations();
    }

    /// <summary>A filter for readers: keeps only records of this flow's protocol and ports (either direction), and SKIPDATA.</summary>
    public FlowLogFilter Filter { get; }

    public PacketPathResult Walk => _walk;

    /// <summary>One-shot: match a whole sequence of records.</summary>
    public static FlowLogEvidenceReport Match(PacketPathResult walk, IEnumerable<FlowLogRecord> records, FlowLogMatchOptions? options = null)
    {
        var matcher = new FlowLogEvidenceMatcher(walk, options);
        foreach (var r in records) matcher.Add(r);
        return matcher.Complete();
    }

    // ---- expectations --------------------------------------------------------------------------------------------

    private void BuildExpectations()
    {
        string? sourceEni = _walk.ForwardPath.FirstOrDefault();
        string? destinationEni = DestinationEni();
        foreach (var direction in new[] { WalkDirection.Forward, WalkDirection.Return })
        {
            var path = direction == WalkDirection.Forward ? _walk.ForwardPath : _walk.ReturnPath;
            for (int i = 0; i < path.Count; i++)
            {
                if (IsNotAnInterface(direction, path[i]))
                {
                    // A TGW peering attachment or an edge (VPN, Direct Connect, VGW) has no ENI: VPC Flow Logs never
                    // see it; transit gateway flow logs do (R-FL-12).
                    var note = $"{path[i]} ({direction} {i + 1}) is not a network interface: VPC Flow Logs cannot show it (transit gateway flow logs can, R-FL-12).";
                    if (!_walkNotes.Contains(note)) _walkNotes.Add(note);
                    continue;
                }
                AddExpectation(new Expectation(direction, i + 1, path[i], Classify(path[i], sourceEni, destinationEni), ExpectedFlowAction.Accept, TupleAt(direction, path[i])));
            }
        }

        if (_walk.Verdict == PathVerdict.Blocked && _walk.BlockedDirection is { } blockedDirection && _walk.BlockedAt is { } at)
            ExpectDrop(blockedDirection, at, sourceEni, destinationEni);
        else if (_walk.Verdict is PathVerdict.Ambiguous or PathVerdict.Unknown)
            _walkNotes.Add($"The walk is {_walk.Verdict}{(_walk.BlockedAt is null ? "" : $" at {_walk.BlockedAt} ({_walk.Reason})")}: its paths are one possibility, so records on other ENIs may be legitimate.");
    }

    /// <summary>Where the walk drops the packet, the flow log should show a REJECT (R-FL-7); add or adjust that hop.</summary>
    private void ExpectDrop(WalkDirection direction, string at, string? sourceEni, string? destinationEni)
    {
        var path = direction == WalkDirection.Forward ? _walk.ForwardPath : _walk.ReturnPath;
        var denyHop = _walk.Hops.FirstOrDefault(h => h.Direction == direction && !h.Passed && string.Equals(h.Component, at, StringComparison.Ordinal));
        if (at.StartsWith("eni-", StringComparison.Ordinal))
        {
            // A security group dropped it at this ENI. R-FL-7: an inbound SG deny is one REJECT on the receiving ENI;
            // an egress deny at the source is likely logged as REJECT on the source ENI (UNCONFIRMED).
            var egress = denyHop?.Step == HopStep.SecurityGroupEgress;
            var note = egress
                ? "the walk drops the packet at this ENI's security group egress; expected one REJECT here (R-FL-7, UNCONFIRMED for egress)"
                : "the walk drops the packet at this ENI's security group ingress; expected one REJECT here (R-FL-7)";
            var existing = _expected.FirstOrDefault(e => e.Direction == direction && e.EniId == at && e.Sequence == path.Count);
            if (existing is not null)
            {
                existing.Expected = ExpectedFlowAction.Reject;
                existing.Notes.Add(note);
            }
            else
            {
                var e = new Expectation(direction, path.Count + 1, at, Classify(at, sourceEni, destinationEni), ExpectedFlowAction.Reject, TupleAt(direction, at));
                e.Notes.Add(note);
                AddExpectation(e);
            }
        }
        else if (at.StartsWith("acl-", StringComparison.Ordinal) && denyHop?.Step == HopStep.NaclOutbound
            && _expected.LastOrDefault(e => e.Direction == direction) is { } sender)
        {
            // R-FL-7: a NACL that denies outbound gives a REJECT on the ENI that sent the packet (for a reply: ACCEPT for
            // the request and REJECT for the response on the same ENI).
            sender.Expected = ExpectedFlowAction.Reject;
            sender.Notes.Add($"the walk drops the packet at {at} (outbound); expected a REJECT on the sending ENI (R-FL-7)");
        }
        else if (at.StartsWith("acl-", StringComparison.Ordinal) && denyHop?.Step == HopStep.NaclInbound)
        {
            // The packet is dropped as it enters the next subnet; the walk does not name the ENI it was headed for.
            var e = new Expectation(direction, path.Count + 1, $"(ENI behind {at}{(denyHop.SubnetId is null ? "" : " in " + denyHop.SubnetId)})",
                FlowLogHopRole.BehindNacl, ExpectedFlowAction.Reject, direction == WalkDirection.Forward ? _forward : _return) { SubnetId = denyHop.SubnetId };
            e.Notes.Add($"the walk drops the packet at {at} (inbound); a REJECT is expected on the receiving ENI, which the walk cannot name (R-FL-7, INFERENCE)");
            _expected.Add(e);
            _behindNacl[direction] = e;
        }
        else
        {
            _walkNotes.Add($"The walk stops at {at} ({_walk.Reason}). Route-table and transit-gateway drops are not in VPC Flow Logs; transit gateway flow logs count them as packets-lost-* (R-FL-12).");
        }
    }

    private bool IsNotAnInterface(WalkDirection direction, string entry) =>
        !entry.StartsWith("eni-", StringComparison.Ordinal)
        && _walk.Hops.Any(h => h.Direction == direction && h.Component == entry && h.Step is HopStep.TgwPeering or HopStep.Edge);

    private string? DestinationEni()
    {
        var delivered = _walk.Hops.FirstOrDefault(h => h.Direction == WalkDirection.Forward && h.Decision == HopDecision.Deliver);
        if (delivered?.NetworkInterfaceId is { } d) return d;
        var deniedIngress = _walk.Hops.FirstOrDefault(h => h.Direction == WalkDirection.Forward && h.Step == HopStep.SecurityGroupIngress && h.Decision == HopDecision.Deny);
        if (deniedIngress?.NetworkInterfaceId is { } g) return g;
        return _walk.ReturnPath.FirstOrDefault();
    }

    private FlowLogHopRole Classify(string eni, string? sourceEni, string? destinationEni)
    {
        if (eni == sourceEni) return FlowLogHopRole.Source;
        if (eni == destinationEni) return FlowLogHopRole.Destination;
        foreach (var h in _walk.Hops)
        {
            if (h.NetworkInterfaceId != eni && h.Component != eni) continue;
            if (h.Step is HopStep.TgwAttachmentEntry or HopStep.TgwAttachmentExit) return FlowLogHopRole.TransitGatewayAttachment;
            if (h.Step == HopStep.NatGateway || h.NatGatewayId is not null) return FlowLogHopRole.NatGateway;
        }
        return FlowLogHopRole.Intermediate;
    }

    /// <summary>The packet as the walk has it at this ENI (after any translation); else the walk's own addresses.</summary>
    private FlowTuple TupleAt(WalkDirection direction, string eni)
    {
        var basis = direction == WalkDirection.Forward ? _forward : _return;
        var hop = _walk.Hops.FirstOrDefault(h => h.Direction == direction && (h.NetworkInterfaceId == eni || h.Component == eni));
        if (hop is null || !IpAddress.TryParse(hop.SourceAddress, out var s) || !IpAddress.TryParse(hop.DestinationAddress, out var d)) return basis;
        if (!IpProtocol.HasPorts(basis.Protocol)) return basis with { Source = s, Destination = d };
        var sp = PortText.TryParse(hop.SourcePort, out var a) ? a : basis.SourcePorts;
        var dp = PortText.TryParse(hop.DestinationPort, out var b) ? b : basis.DestinationPorts;
        return new FlowTuple(s, d, basis.Protocol, sp, dp);
    }

    private void AddExpectation(Expectation e)
    {
        _expected.Add(e);
        if (!_byEni.TryGetValue(e.EniId, out var list)) _byEni[e.EniId] = list = new List<Expectation>();
        list.Add(e);
    }

    // ---- matching ------------------------------------------------------------------------------------------------

    /// <summary>Offers one record. Returns true when it was matched to a hop (on the path or off it).</summary>
    public bool Add(FlowLogRecord record)
    {
        _examined++;
        if (record.InterfaceId is not { } eni) { _withoutInterface++; return false; }
        if (string.Equals(record.LogStatus, "NODATA", StringComparison.OrdinalIgnoreCase)) return false;
        if (string.Equals(record.LogStatus, "SKIPDATA", StringComparison.OrdinalIgnoreCase))
        {
            if (_byEni.TryGetValue(eni, out var skipped)) foreach (var e in skipped) e.SkipData = true;
            return false;
        }
        if (!Filter.Flow!.Matches(record.Protocol, record.SrcPort, record.DstPort, record.LogStatus)) return false;

        if (_byEni.TryGetValue(eni, out var candidates))
        {
            foreach (var c in candidates)
            {
                if (MatchKind(c, record) is { } kind)
                {
                    Accumulate(c, record, kind);
                    return true;
                }
            }
        }

        // Not a hop of the path in this direction: is it this flow at all? Only an address match says so.
        var direction = Orientation(record, out var offPathKind);
        if (direction is null)
        {
            if (candidates is null && PortsOriented(record) is not null)
                _portsOnlyElsewhere[eni] = _portsOnlyElsewhere.GetValueOrDefault(eni) + 1;
            return false;
        }
        if (candidates is null && _behindNacl.TryGetValue(direction.Value, out var behind)
            && string.Equals(record.Action, "REJECT", StringComparison.OrdinalIgnoreCase)
            && (record.SubnetId is null || behind.SubnetId is null || string.Equals(record.SubnetId, behind.SubnetId, StringComparison.Ordinal)))
        {
            behind.ObservedEnis.Add(eni);
            Accumulate(behind, record, offPathKind);
            return true;
        }
        var key = (direction.Value, eni);
        if (!_offPath.TryGetValue(key, out var off))
        {
            off = new Expectation(direction.Value, 0, eni, FlowLogHopRole.OffPath, ExpectedFlowAction.None, direction == WalkDirection.Forward ? _forward : _return);
            _offPath[key] = off;
        }
        Accumulate(off, record, offPathKind);
        return true;
    }

    private static FlowLogMatchKind? MatchKind(Expectation e, FlowLogRecord r)
    {
        var t = e.Tuple;
        if (r.Protocol is { } p && p != t.Protocol) return null;
        if (!t.PortsMatch(r.SrcPort, r.DstPort)) return null;
        if (r.HasPacketAddresses)
            return t.AddressesMatch(r.PktSrcAddr, r.PktDstAddr) ? FlowLogMatchKind.PacketAddresses : null;
        if (t.AddressesMatch(r.SrcAddr, r.DstAddr)) return FlowLogMatchKind.Addresses;
        // R-FL-4/R-FL-8: an intermediate ENI writes its own primary address; without pkt-* only interface and ports tie it.
        return e.Role is FlowLogHopRole.TransitGatewayAttachment or FlowLogHopRole.NatGateway or FlowLogHopRole.Intermediate
            ? FlowLogMatchKind.InterfaceAndPorts : null;
    }

    /// <summary>Which direction of the walk's flow the record belongs to, by addresses (pkt-* when present), ports and protocol.</summary>
    private WalkDirection? Orientation(FlowLogRecord r, out FlowLogMatchKind kind)
    {
        kind = r.HasPacketAddresses ? FlowLogMatchKind.PacketAddresses : FlowLogMatchKind.Addresses;
        var (s, d) = r.HasPacketAddresses ? (r.PktSrcAddr, r.PktDstAddr) : (r.SrcAddr, r.DstAddr);
        if (r.Protocol is { } p && p != _forward.Protocol) return null;
        if (_forward.AddressesMatch(s, d) && _forward.PortsMatch(r.SrcPort, r.DstPort)) return WalkDirection.Forward;
        if (_return.AddressesMatch(s, d) && _return.PortsMatch(r.SrcPort, r.DstPort)) return WalkDirection.Return;
        return null;
    }

    private WalkDirection? PortsOriented(FlowLogRecord r)
    {
        if (_forward.SourcePorts is null) return null;   // portless protocols: ports say nothing
        if (_forward.PortsMatch(r.SrcPort, r.DstPort)) return WalkDirection.Forward;
        if (_return.PortsMatch(r.SrcPort, r.DstPort)) return WalkDirection.Return;
        return null;
    }

    private void Accumulate(Expectation e, FlowLogRecord r, FlowLogMatchKind kind)
    {
        _matched++;
        e.Total++;
        if (e.Records.Count < _options.MaxRecordsPerHop) e.Records.Add(r);
        if (string.Equals(r.Action, "ACCEPT", StringComparison.OrdinalIgnoreCase)) e.Accept++;
        else if (string.Equals(r.Action, "REJECT", StringComparison.OrdinalIgnoreCase)) e.Reject++;
        else e.NoAction++;
        e.Packets += r.Packets ?? 0;
        e.Bytes += r.Bytes ?? 0;
        if ((r.Start ?? r.End) is { } first && (e.First is null || first < e.First)) e.First = first;
        if ((r.End ?? r.Start) is { } last && (e.Last is null || last > e.Last)) e.Last = last;
        e.Kinds.Add(kind);
        if (r.Protocol is null) e.ProtocolMissing = true;
        var clientPort = e.Direction == WalkDirection.Forward ? r.SrcPort : r.DstPort;
        if (clientPort is { } cp && e.ClientPorts.Count < 64) e.ClientPorts.Add(cp);
    }

    // ---- result --------------------------------------------------------------------------------------------------

    public FlowLogEvidenceReport Complete()
    {
        var walkText = WalkText();
        var all = _expected.Concat(_offPath.Values.OrderBy(o => o.Direction).ThenBy(o => o.EniId, StringComparer.Ordinal)).ToList();
        var statuses = all.Select(e => (e, Status: StatusOf(e))).ToList();
        var expectedOnPath = statuses.Where(s => s.e.Role != FlowLogHopRole.OffPath).ToList();
        int confirmed = expectedOnPath.Count(s => s.Status is HopEvidenceStatus.Confirmed or HopEvidenceStatus.Seen);
        int missing = expectedOnPath.Count(s => s.Status is HopEvidenceStatus.Missing or HopEvidenceStatus.Unverifiable);
        int contradicting = statuses.Count(s => s.Status == HopEvidenceStatus.Contradiction);
        var verdict = contradicting > 0 ? FlowLogVerdict.Contradicted
            : expectedOnPath.Count > 0 && missing == 0 ? FlowLogVerdict.Confirmed
            : FlowLogVerdict.Incomplete;

        var hops = statuses.Select(s => ToEvidence(s.e, s.Status, verdict, walkText)).ToList();
        var notes = new List<string>(_walkNotes);
        if (statuses.Any(s => s.e.Kinds.Contains(FlowLogMatchKind.InterfaceAndPorts)))
            notes.Add("Some intermediate ENIs were matched by interface id, ports and protocol only: the records have no pkt-srcaddr/pkt-dstaddr, and transit gateway and NAT gateway ENIs log their own address in srcaddr/dstaddr (R-FL-4, R-FL-8). Add ${pkt-srcaddr} ${pkt-dstaddr} to the flow log's format for an exact match.");
        if (missing > 0)
            notes.Add("Flow-log records are delivered late (about 5 minutes to CloudWatch Logs, 10 to S3), aggregated and best effort, and may be missing (R-FL-9): a missing record is not proof that the packet did not pass.");
        if (_portsOnlyElsewhere.Count > 0)
            notes.Add($"Records on {_portsOnlyElsewhere.Count} ENI(s) off the path matched the ports and protocol but not the addresses ({string.Join(", ", _portsOnlyElsewhere.Take(5).Select(p => $"{p.Key}: {p.Value}"))}{(_portsOnlyElsewhere.Count > 5 ? ", …" : "")}); they are another flow, or an intermediate ENI logging its own address (R-FL-4): not counted as evidence.");
        if (_withoutInterface > 0)
            notes.Add($"{_withoutInterface} record(s) had no interface id and could not be tied to an ENI.");
        if (IsNeverLogged(_forward.Source) || IsNeverLogged(_forward.Destination))
            notes.Add("Traffic to the instance metadata service (169.254.169.254) and Amazon Time Sync (169.254.169.123) is never logged (R-FL-10).");
        if (statuses.Any(s => s.e.ProtocolMissing))
            notes.Add("Some records carry no protocol field (an Insights query that did not select it): they were matched on addresses and ports.");

        return new FlowLogEvidenceReport
        {
            Verdict = verdict,
            Explanation = Explain(verdict, statuses, expectedOnPath.Count, confirmed),
            Walk = walkText,
            WalkVerdict = _walk.Verdict,
            ExpectedHops = expectedOnPath.Count,
            ConfirmedHops = confirmed,
            MissingHops = missing,
            ContradictingHops = contradicting,
            OffPathSightings = _offPath.Count,
            RecordsExamined = _examined,
            RecordsMatched = _matched,
            FirstSeenUtc = all.Where(e => e.First is not null).Select(e => (long?)e.First).Min() is { } f ? DateTimeOffset.FromUnixTimeSeconds(f) : null,
            LastSeenUtc = all.Where(e => e.Last is not null).Select(e => (long?)e.Last).Max() is { } l ? DateTimeOffset.FromUnixTimeSeconds(l) : null,
            Notes = notes,
            Hops = hops,
            PacketPath = _walk,
        };
    }

    private static bool IsNeverLogged(IpAddress a) => !a.IsV6 && (a.ToString() is "169.254.169.254" or "169.254.169.123");

    private static HopEvidenceStatus StatusOf(Expectation e)
    {
        if (e.Total == 0)
            return e.Role != FlowLogHopRole.BehindNacl && !e.EniId.StartsWith("eni-", StringComparison.Ordinal) ? HopEvidenceStatus.Unverifiable : HopEvidenceStatus.Missing;
        return e.Expected switch
        {
            ExpectedFlowAction.None => HopEvidenceStatus.Contradiction,
            ExpectedFlowAction.Accept => e.Accept > 0 ? HopEvidenceStatus.Confirmed : e.Reject > 0 ? HopEvidenceStatus.Contradiction : HopEvidenceStatus.Seen,
            _ => e.Accept > 0 ? HopEvidenceStatus.Contradiction : e.Reject > 0 ? HopEvidenceStatus.Confirmed : HopEvidenceStatus.Seen,
        };
    }

    private FlowLogHopEvidence ToEvidence(Expectation e, HopEvidenceStatus status, FlowLogVerdict verdict, string walkText)
    {
        var notes = new List<string>(e.Notes);
        switch (status)
        {
            case HopEvidenceStatus.Missing:
                notes.Add(e.SkipData ? "no record, but the ENI logged SKIPDATA: records were dropped for capacity (R-FL-6)" : "no record of the flow on this ENI (records can be late or dropped, R-FL-9)");
                break;
            case HopEvidenceStatus.Unverifiable:
                notes.Add("the walk could not name an ENI here, so flow logs cannot confirm this hop");
                break;
            case HopEvidenceStatus.Contradiction when e.Role == FlowLogHopRole.OffPath:
                notes.Add($"the flow was logged on an ENI that is not on the computed {e.Direction.ToString().ToLowerInvariant()} path: the model is wrong or the network changed");
                break;
            case HopEvidenceStatus.Contradiction when e.Expected == ExpectedFlowAction.Accept:
                notes.Add("REJECT where the walk lets the packet pass: a filter the snapshot does not show, or a changed network (R-FL-5: REJECT also covers packets that arrive after the connection closed)");
                break;
            case HopEvidenceStatus.Contradiction:
                notes.Add("ACCEPT where the walk drops the packet: the rule the walk found is not what AWS applied");
                break;
            case HopEvidenceStatus.Seen:
                notes.Add("seen, but the records carry no action");
                break;
        }
        if (status == HopEvidenceStatus.Confirmed && e.Expected == ExpectedFlowAction.Accept && e.Reject > 0)
            notes.Add($"{e.Reject} REJECT record(s) beside the ACCEPTs: packets that arrived after the connection closed are logged as REJECT (R-FL-5)");
        if (e.Kinds.Contains(FlowLogMatchKind.InterfaceAndPorts))
            notes.Add($"matched by interface, ports and protocol: the records have no pkt-srcaddr/pkt-dstaddr and a {RoleText(e.Role)} ENI logs its own address in srcaddr/dstaddr (R-FL-4, R-FL-8)");
        if (e.Kinds.Contains(FlowLogMatchKind.PacketAddresses) && e.Role is not (FlowLogHopRole.Source or FlowLogHopRole.Destination))
            notes.Add("matched on pkt-srcaddr/pkt-dstaddr, the packet's own addresses (R-FL-4)");
        if (e.ProtocolMissing) notes.Add("some records carry no protocol field");

        string? action = (e.Accept > 0, e.Reject > 0) switch
        {
            (true, true) => "ACCEPT,REJECT",
            (true, false) => "ACCEPT",
            (false, true) => "REJECT",
            _ => null,
        };
        return new FlowLogHopEvidence
        {
            Direction = e.Direction,
            Sequence = e.Sequence,
            NetworkInterfaceId = e.Role == FlowLogHopRole.BehindNacl && e.ObservedEnis.Count > 0 ? string.Join(",", e.ObservedEnis) : e.EniId,
            Role = e.Role,
            Expected = e.Expected,
            Status = status,
            Seen = e.Total > 0,
            Action = action,
            AcceptRecords = e.Accept,
            RejectRecords = e.Reject,
            Packets = e.Packets,
            Bytes = e.Bytes,
            FirstSeenUtc = e.First is { } f ? DateTimeOffset.FromUnixTimeSeconds(f) : null,
            LastSeenUtc = e.Last is { } l ? DateTimeOffset.FromUnixTimeSeconds(l) : null,
            ObservedSourcePort = e.ClientPorts.Count == 0 ? null : string.Join(",", e.ClientPorts.Take(10)) + (e.ClientPorts.Count > 10 ? ",…" : ""),
            MatchedBy = e.Kinds.Count == 0 ? null : string.Join(",", e.Kinds.Order()),
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
            PathVerdict = verdict,
            Walk = walkText,
            Records = new FlowLogRecordList(e.Records, e.Total),
        };
    }

    private static string RoleText(FlowLogHopRole role) => role switch
    {
        FlowLogHopRole.TransitGatewayAttachment => "transit gateway",
        FlowLogHopRole.NatGateway => "NAT gateway",
        _ => "intermediate",
    };

    private string Explain(FlowLogVerdict verdict, List<(Expectation e, HopEvidenceStatus Status)> statuses, int expected, int confirmed)
    {
        static string Where(Expectation e) => e.Role == FlowLogHopRole.OffPath ? $"{e.EniId} ({e.Direction}, off the path)" : $"{e.EniId} ({e.Direction} {e.Sequence})";
        switch (verdict)
        {
            case FlowLogVerdict.Confirmed:
                return $"All {expected} ENI sightings of the forward and return path are in the flow logs with the expected action.";
            case FlowLogVerdict.Contradicted:
                var bad = statuses.Where(s => s.Status == HopEvidenceStatus.Contradiction).Select(s => s.e).ToList();
                var parts = bad.Take(4).Select(e => e.Role == FlowLogHopRole.OffPath ? $"the flow was logged on {Where(e)}"
                    : e.Expected == ExpectedFlowAction.Accept ? $"{Where(e)} logged REJECT where the walk passes" : $"{Where(e)} logged ACCEPT where the walk drops");
                return $"The flow logs contradict the walk: {string.Join("; ", parts)}{(bad.Count > 4 ? "; …" : "")}. The snapshot may be stale or the model wrong.";
            default:
                if (expected == 0) return "The walk names no ENI to check.";
                var missing = statuses.Where(s => s.e.Role != FlowLogHopRole.OffPath && s.Status is HopEvidenceStatus.Missing or HopEvidenceStatus.Unverifiable).Select(s => s.e).ToList();
                return confirmed == 0
                    ? $"No record of the flow on any of the {expected} ENIs of the path (records are late and best effort, R-FL-9)."
                    : $"{confirmed} of {expected} ENI sightings confirmed; no record for {string.Join(", ", missing.Take(6).Select(Where))}{(missing.Count > 6 ? ", …" : "")}. Records are late and best effort (R-FL-9), so this is not proof of a drop.";
        }
    }

    private string WalkText()
    {
        var ports = _walk.Port is { } p ? "/" + p.ToString(CultureInfo.InvariantCulture) : "";
        var sp = _walk.SourcePort is { } s && PortText.TryParse(s, out var set) && set.IsSingle ? $" from port {s}" : "";
        return $"{_walk.Source} -> {_walk.Destination} {_walk.Protocol}{ports}{sp} ({_walk.Verdict})";
    }

    // ---- types ---------------------------------------------------------------------------------------------------

    private sealed class Expectation
    {
        public Expectation(WalkDirection direction, int sequence, string eniId, FlowLogHopRole role, ExpectedFlowAction expected, FlowTuple tuple)
        {
            Direction = direction; Sequence = sequence; EniId = eniId; Role = role; Expected = expected; Tuple = tuple;
        }

        public WalkDirection Direction { get; }
        public int Sequence { get; }
        public string EniId { get; }
        public FlowLogHopRole Role { get; }
        public ExpectedFlowAction Expected { get; set; }
        public FlowTuple Tuple { get; }
        public string? SubnetId { get; init; }
        public List<string> Notes { get; } = new();
        public List<FlowLogRecord> Records { get; } = new();
        public SortedSet<string> ObservedEnis { get; } = new(StringComparer.Ordinal);
        public SortedSet<int> ClientPorts { get; } = new();
        public HashSet<FlowLogMatchKind> Kinds { get; } = new();
        public long Total, Packets, Bytes;
        public int Accept, Reject, NoAction;
        public long? First, Last;
        public bool ProtocolMissing, SkipData;
    }
}

/// <summary>A packet's addresses, protocol and port sets; ports are null for protocols without ports.</summary>
internal sealed record FlowTuple(IpAddress Source, IpAddress Destination, int Protocol, PortSet? SourcePorts, PortSet? DestinationPorts)
{
    public FlowTuple Reversed() => new(Destination, Source, Protocol, DestinationPorts, SourcePorts);

    public bool AddressesMatch(string? src, string? dst) =>
        IpAddress.TryParse(src, out var s) && IpAddress.TryParse(dst, out var d) && s == Source && d == Destination;

    public bool PortsMatch(int? src, int? dst)
    {
        if (SourcePorts is null || DestinationPorts is null) return true;
        return src is { } s && dst is { } d && SourcePorts.Contains(s) && DestinationPorts.Contains(d);
    }
}

/// <summary>Reads the port text a walk writes ("49999", "32768-60999", "1024-2000,3000-4000").</summary>
internal static class PortText
{
    public static bool TryParse(string? text, out PortSet ports)
    {
        ports = PortSet.Empty;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var ranges = new List<PortRange>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535) return false;
                ranges.Add(new PortRange(p, p));
            }
            else
            {
                if (!int.TryParse(part[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                    || !int.TryParse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var to) || from > to || to > 65535) return false;
                ranges.Add(new PortRange(from, to));
            }
        }
        if (ranges.Count == 0) return false;
        ports = PortSet.Of(ranges);
        return true;
    }
}

/// <summary>A walk result that cannot be checked (no addresses, no protocol): the cmdlet reports it as InvalidArgument.</summary>
public sealed class FlowLogWalkException : Exception
{
    public FlowLogWalkException(string message) : base(message) { }
    public string ErrorId => FlowLogErrorIds.InvalidWalk;
}
