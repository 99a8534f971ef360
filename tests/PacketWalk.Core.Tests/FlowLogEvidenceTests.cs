using System.Text.Json;
using PacketWalk.Core.FlowLogs;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests;

public class FlowLogEvidenceTests
{
    private const string HostA = "i-0a00000000000000a", HostB = "i-0b00000000000000b";
    private const string EniHostA = "eni-084d826e4b1e0e190", EniHostB = "eni-0092f8e2d29917a4c";
    private const string EniA1b = "eni-02632fc1186f1e023", EniB1b = "eni-09cd3bddbd4bb7b1b", EniB1a = "eni-05888d6f1ed0595bb", EniA1a = "eni-062a260949710dda8";

    private static readonly string[] SeedForward = { EniHostA, EniA1b, EniB1b, EniHostB };
    private static readonly string[] SeedReturn = { EniHostB, EniB1a, EniA1a, EniHostA };

    private static string Fixture(params string[] parts) => Path.Combine(new[] { FlowLogReaderTests.FlowLogFixtures }.Concat(parts).ToArray());
    private static string Repo(params string[] parts) => Path.Combine(new[] { ScenarioTests.RepoRoot() }.Concat(parts).ToArray());

    private static NetworkModel SeedModel => ScenarioTests.ModelFor(Repo("tests", "scenarios", "seed-sample"));

    /// <summary>The walk of the seed's bonus section: HOST-A -> HOST-B tcp/8000 from port 49999.</summary>
    private static PacketPathResult SeedWalk(int? sourcePort = 49999) =>
        new PacketWalker(SeedModel).Walk(new WalkRequest { Source = HostA, Destination = HostB, Port = 8000, SourcePort = sourcePort });

    private static List<FlowLogRecord> Read(params string[] fixture) => new FlowLogReader().ReadPaths(new[] { Fixture(fixture) }).ToList();

    [Fact]
    public void Seed_walk_at_port_8000_has_the_seeds_paths()
    {
        var walk = SeedWalk();
        Assert.Equal(PathVerdict.Reachable, walk.Verdict);
        Assert.Equal(SeedForward, walk.ForwardPath);
        Assert.Equal(SeedReturn, walk.ReturnPath);
    }

    [Fact]
    public void Seed_bonus_records_confirm_all_eight_ENI_sightings()
    {
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), Read("seed-bonus", "records.log"));
        Assert.Equal(FlowLogVerdict.Confirmed, report.Verdict);
        Assert.Equal(8, report.ExpectedHops);
        Assert.Equal(8, report.ConfirmedHops);
        Assert.Equal(0, report.MissingHops);
        Assert.Equal(8, report.RecordsMatched);
        Assert.Equal(SeedForward, report.Hops.Where(h => h.Direction == WalkDirection.Forward).Select(h => h.NetworkInterfaceId));
        Assert.Equal(SeedReturn, report.Hops.Where(h => h.Direction == WalkDirection.Return).Select(h => h.NetworkInterfaceId));
        Assert.All(report.Hops, h =>
        {
            Assert.Equal(HopEvidenceStatus.Confirmed, h.Status);
            Assert.Equal("ACCEPT", h.Action);
            Assert.Equal(1, h.AcceptRecords);
            Assert.Single(h.Records);
            Assert.Equal("49999", h.ObservedSourcePort);
            Assert.Equal(FlowLogVerdict.Confirmed, h.PathVerdict);
        });
        // The seed's records carry the hosts' addresses on the transit gateway ENIs too: matched by address.
        Assert.All(report.Hops, h => Assert.Equal("Addresses", h.MatchedBy));
        Assert.Equal(new[] { FlowLogHopRole.Source, FlowLogHopRole.TransitGatewayAttachment, FlowLogHopRole.TransitGatewayAttachment, FlowLogHopRole.Destination },
            report.Hops.Take(4).Select(h => h.Role));
        // Times: the seed's 1671497064 is 2022-12-20 00:44:24 UTC; the last record ends at 1671497097.
        Assert.Equal(new DateTimeOffset(2022, 12, 20, 0, 44, 24, TimeSpan.Zero), report.FirstSeenUtc);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671497097), report.LastSeenUtc);
        var a1b = report.Hops.Single(h => h.Direction == WalkDirection.Forward && h.NetworkInterfaceId == EniA1b);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1671497064), a1b.FirstSeenUtc);
        Assert.Equal(a1b.FirstSeenUtc!.Value.UtcDateTime, a1b.FirstSeen!.Value.UtcDateTime);
        Assert.Equal(6, a1b.Packets);
        Assert.Equal(437, a1b.Bytes);
        var hostAReturn = report.Hops.Single(h => h.Direction == WalkDirection.Return && h.NetworkInterfaceId == EniHostA);
        Assert.Equal(1120, hostAReturn.Bytes);
        Assert.Contains("All 8 ENI sightings", report.Explanation);
    }

    [Fact]
    public void Record_order_does_not_matter()
    {
        var walk = SeedWalk();
        var records = Read("seed-bonus", "records.log");
        var baseline = Describe(FlowLogEvidenceMatcher.Match(walk, records));
        var random = new Random(1671497064);
        for (int i = 0; i < 20; i++)
        {
            var shuffled = records.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(baseline, Describe(FlowLogEvidenceMatcher.Match(walk, shuffled)));
        }
        Assert.Equal(baseline, Describe(FlowLogEvidenceMatcher.Match(walk, Enumerable.Reverse(records))));
    }

    private static string Describe(FlowLogEvidenceReport r) =>
        $"{r.Verdict} " + string.Join(" | ", r.Hops.Select(h => $"{h.Direction}{h.Sequence} {h.NetworkInterfaceId} {h.Status} {h.Action} {h.Packets} {h.Bytes} {h.FirstSeenUtc:O} {h.LastSeenUtc:O}"));

    [Fact]
    public void Seed_Insights_rows_without_action_or_protocol_are_sightings()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture("seed-bonus", "insights-rows.json")));
        var parser = new FlowLogLineParser();
        var records = doc.RootElement.GetProperty("results").EnumerateArray()
            .Select((row, i) => parser.ParseFields(row.EnumerateArray().Select(f => new KeyValuePair<string, string?>(f.GetProperty("field").GetString()!, f.GetProperty("value").GetString())), $"row {i + 1}")!)
            .ToList();
        Assert.Equal(8, records.Count);
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), records);
        Assert.Equal(FlowLogVerdict.Confirmed, report.Verdict);
        Assert.Equal(8, report.ConfirmedHops);
        Assert.All(report.Hops, h => Assert.Equal(HopEvidenceStatus.Seen, h.Status));
        Assert.All(report.Hops, h => Assert.Null(h.Action));
        Assert.Contains(report.Notes, n => n.Contains("no protocol field"));
    }

    [Fact]
    public void Missing_record_leaves_that_hop_missing_and_the_verdict_incomplete()
    {
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), Read("missing-record", "records.log"));
        Assert.Equal(FlowLogVerdict.Incomplete, report.Verdict);
        Assert.Equal(7, report.ConfirmedHops);
        Assert.Equal(1, report.MissingHops);
        var missing = report.Hops.Single(h => h.Status == HopEvidenceStatus.Missing);
        Assert.Equal(EniB1a, missing.NetworkInterfaceId);
        Assert.Equal(WalkDirection.Return, missing.Direction);
        Assert.Equal(2, missing.Sequence);
        Assert.False(missing.Seen);
        Assert.Null(missing.FirstSeenUtc);
        Assert.Contains("R-FL-9", report.Explanation);
        Assert.Contains(report.Notes, n => n.Contains("best effort"));
    }

    [Fact]
    public void Record_on_an_ENI_off_the_path_contradicts_the_walk()
    {
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), Read("off-path", "records.log"));
        Assert.Equal(FlowLogVerdict.Contradicted, report.Verdict);
        Assert.Equal(8, report.ConfirmedHops);
        Assert.Equal(1, report.OffPathSightings);
        var off = report.Hops.Single(h => h.Role == FlowLogHopRole.OffPath);
        Assert.Equal("eni-0c0ffee00000000c1", off.NetworkInterfaceId);
        Assert.Equal(WalkDirection.Forward, off.Direction);
        Assert.Equal(ExpectedFlowAction.None, off.Expected);
        Assert.Equal(HopEvidenceStatus.Contradiction, off.Status);
        Assert.Equal(0, off.Sequence);
        Assert.Contains("not on the computed forward path", off.Note);
        Assert.Contains("eni-0c0ffee00000000c1", report.Explanation);
    }

    [Fact]
    public void Request_logged_on_the_other_attachment_ENI_is_off_the_forward_path_and_leaves_the_predicted_one_missing()
    {
        // AWS sent the request through VPC-A's 1a attachment, which the walk uses only for the reply.
        var records = Read("seed-bonus", "records.log")
            .Select(r => r.InterfaceId == EniA1b ? Clone(r, interfaceId: EniA1a) : r).ToList();
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), records);
        Assert.Equal(FlowLogVerdict.Contradicted, report.Verdict);
        Assert.Equal(HopEvidenceStatus.Missing, report.Hops.Single(h => h.Direction == WalkDirection.Forward && h.NetworkInterfaceId == EniA1b).Status);
        var off = report.Hops.Single(h => h.Role == FlowLogHopRole.OffPath);
        Assert.Equal((WalkDirection.Forward, EniA1a), (off.Direction, off.NetworkInterfaceId));
        Assert.Equal(HopEvidenceStatus.Confirmed, report.Hops.Single(h => h.Direction == WalkDirection.Return && h.NetworkInterfaceId == EniA1a).Status);
    }

    [Fact]
    public void REJECT_on_an_ENI_the_walk_passes_is_a_contradiction_but_beside_ACCEPTs_it_is_noted_per_R_FL_5()
    {
        var records = Read("seed-bonus", "records.log");
        var rejected = records.Select(r => r.InterfaceId == EniB1b ? Clone(r, action: "REJECT") : r).ToList();
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), rejected);
        Assert.Equal(FlowLogVerdict.Contradicted, report.Verdict);
        var hop = report.Hops.Single(h => h.NetworkInterfaceId == EniB1b);
        Assert.Equal(HopEvidenceStatus.Contradiction, hop.Status);
        Assert.Equal("REJECT", hop.Action);
        Assert.Contains("REJECT where the walk lets the packet pass", hop.Note);

        var mixed = records.Concat(new[] { Clone(records.Single(r => r.InterfaceId == EniB1b), action: "REJECT") }).ToList();
        var lenient = FlowLogEvidenceMatcher.Match(SeedWalk(), mixed);
        Assert.Equal(FlowLogVerdict.Confirmed, lenient.Verdict);
        var both = lenient.Hops.Single(h => h.NetworkInterfaceId == EniB1b);
        Assert.Equal("ACCEPT,REJECT", both.Action);
        Assert.Contains("R-FL-5", both.Note);
    }

    [Fact]
    public void SG_drop_at_the_destination_is_confirmed_by_a_REJECT_there()
    {
        var model = ScenarioTests.ModelFor(Repo("tests", "scenarios", "sg-port-mismatch"));
        var walk = new PacketWalker(model).Walk(new WalkRequest { Source = HostA, Destination = HostB, Port = 443, SourcePort = 49999 });
        Assert.Equal(PathVerdict.Blocked, walk.Verdict);
        Assert.Equal(EniHostB, walk.BlockedAt);

        var report = FlowLogEvidenceMatcher.Match(walk, Read("sg-drop", "records.log"));
        Assert.Equal(FlowLogVerdict.Confirmed, report.Verdict);
        Assert.Equal(4, report.ExpectedHops);
        Assert.Equal(new[] { EniHostA, EniA1b, EniB1b, EniHostB }, report.Hops.Select(h => h.NetworkInterfaceId));
        var drop = report.Hops[3];
        Assert.Equal(ExpectedFlowAction.Reject, drop.Expected);
        Assert.Equal(FlowLogHopRole.Destination, drop.Role);
        Assert.Equal(4, drop.Sequence);
        Assert.Equal(HopEvidenceStatus.Confirmed, drop.Status);
        Assert.Equal("REJECT", drop.Action);
        Assert.Contains("R-FL-7", drop.Note);
        Assert.All(report.Hops.Take(3), h => Assert.Equal(ExpectedFlowAction.Accept, h.Expected));

        // If HOST-B had accepted it, the SG rule the walk found is not what AWS applied.
        var accepted = Read("sg-drop", "records.log").Select(r => r.Action == "REJECT" ? Clone(r, action: "ACCEPT") : r).ToList();
        var contradicted = FlowLogEvidenceMatcher.Match(walk, accepted);
        Assert.Equal(FlowLogVerdict.Contradicted, contradicted.Verdict);
        Assert.Contains("ACCEPT where the walk drops", contradicted.Hops[3].Note);

        // A reply seen anywhere contradicts a walk that has no return path.
        var withReply = Read("sg-drop", "records.log").Concat(new[] { new FlowLogRecord { InterfaceId = EniHostB, SrcAddr = "10.1.8.131", DstAddr = "10.0.9.132", SrcPort = 443, DstPort = 49999, Protocol = 6, Action = "ACCEPT", Start = 1671497070, End = 1671497075 } });
        var reply = FlowLogEvidenceMatcher.Match(walk, withReply);
        Assert.Equal(FlowLogVerdict.Contradicted, reply.Verdict);
        Assert.Equal((WalkDirection.Return, EniHostB, FlowLogHopRole.OffPath), reply.Hops.Where(h => h.Role == FlowLogHopRole.OffPath).Select(h => (h.Direction, h.NetworkInterfaceId, h.Role)).Single());
    }

    [Fact]
    public void NACL_outbound_drop_of_the_reply_expects_a_REJECT_on_the_servers_ENI()
    {
        var model = ScenarioTests.ModelFor(Repo("tests", "scenarios", "nacl-deny-reply-ephemeral"));
        var walk = new PacketWalker(model).Walk(new WalkRequest { Source = HostA, Destination = HostB, Port = 443, SourcePort = 33000 });
        Assert.Equal(PathVerdict.Blocked, walk.Verdict);
        Assert.Equal(WalkDirection.Return, walk.BlockedDirection);
        var records = new[]
        {
            Rec(EniHostA, "10.0.9.132", "10.1.8.131", 33000, 443, "ACCEPT"), Rec(EniA1b, "10.0.9.132", "10.1.8.131", 33000, 443, "ACCEPT"),
            Rec(EniB1b, "10.0.9.132", "10.1.8.131", 33000, 443, "ACCEPT"), Rec(EniHostB, "10.0.9.132", "10.1.8.131", 33000, 443, "ACCEPT"),
            // R-FL-7: ACCEPT for the request and REJECT for the response on the same ENI.
            Rec(EniHostB, "10.1.8.131", "10.0.9.132", 443, 33000, "REJECT"),
        };
        var report = FlowLogEvidenceMatcher.Match(walk, records);
        var serverReturn = report.Hops.Single(h => h.Direction == WalkDirection.Return);
        Assert.Equal(EniHostB, serverReturn.NetworkInterfaceId);
        Assert.Equal(ExpectedFlowAction.Reject, serverReturn.Expected);
        Assert.Equal(HopEvidenceStatus.Confirmed, serverReturn.Status);
        Assert.Equal(FlowLogVerdict.Confirmed, report.Verdict);
    }

    [Fact]
    public void Ephemeral_walk_matches_any_client_port_in_the_range_and_reports_the_observed_port()
    {
        var walk = SeedWalk(sourcePort: null);
        Assert.Equal("32768-60999", walk.SourcePort);
        var report = FlowLogEvidenceMatcher.Match(walk, Read("seed-bonus", "records.log"));
        Assert.Equal(FlowLogVerdict.Confirmed, report.Verdict);
        Assert.All(report.Hops, h => Assert.Equal("49999", h.ObservedSourcePort));

        // A client port outside the walk's range is another flow, not evidence.
        var outside = Read("seed-bonus", "records.log").Select(r => r.SrcPort == 49999 ? Clone(r, srcPort: 1000) : r.DstPort == 49999 ? Clone(r, dstPort: 1000) : r);
        var none = FlowLogEvidenceMatcher.Match(walk, outside);
        Assert.Equal(FlowLogVerdict.Incomplete, none.Verdict);
        Assert.Equal(0, none.ConfirmedHops);
        Assert.Equal(0, none.RecordsMatched);
    }

    [Fact]
    public void Transit_gateway_ENIs_with_their_own_addresses_match_by_pkt_fields_or_by_interface_and_ports()
    {
        var custom = FlowLogEvidenceMatcher.Match(SeedWalk(), Read("s3-layout", "AWSLogs"));
        Assert.Equal(FlowLogVerdict.Confirmed, custom.Verdict);
        Assert.Equal(8, custom.ConfirmedHops);
        Assert.All(custom.Hops.Where(h => h.Role == FlowLogHopRole.TransitGatewayAttachment), h => Assert.Equal("PacketAddresses", h.MatchedBy));
        Assert.DoesNotContain(custom.Notes, n => n.Contains("interface id, ports and protocol only"));

        var v2 = FlowLogEvidenceMatcher.Match(SeedWalk(), Read("s3-layout", "tgw-own-addresses.log"));
        Assert.Equal(FlowLogVerdict.Confirmed, v2.Verdict);
        var tgw = v2.Hops.Where(h => h.Role == FlowLogHopRole.TransitGatewayAttachment).ToList();
        Assert.Equal(4, tgw.Count);
        Assert.All(tgw, h => Assert.Equal("InterfaceAndPorts", h.MatchedBy));
        Assert.All(tgw, h => Assert.Contains("R-FL-4", h.Note));
        Assert.All(v2.Hops.Where(h => h.Role is FlowLogHopRole.Source or FlowLogHopRole.Destination), h => Assert.Equal("Addresses", h.MatchedBy));
        Assert.Contains(v2.Notes, n => n.Contains("${pkt-srcaddr} ${pkt-dstaddr}"));

        // An ENI that logs its own address is a transit gateway or NAT ENI only when it is on the path; elsewhere it is noted, not counted.
        var stray = Rec("eni-0ddd000000000000d", "10.9.9.9", "10.1.8.131", 49999, 8000, "ACCEPT");
        var withStray = FlowLogEvidenceMatcher.Match(SeedWalk(), Read("s3-layout", "tgw-own-addresses.log").Append(stray));
        Assert.Equal(FlowLogVerdict.Confirmed, withStray.Verdict);
        Assert.Contains(withStray.Notes, n => n.Contains("eni-0ddd000000000000d: 1"));
    }

    [Fact]
    public void Pkt_fields_that_name_another_flow_do_not_match_even_on_a_transit_gateway_ENI()
    {
        var other = new FlowLogRecord { InterfaceId = EniA1b, SrcAddr = "10.0.9.132", DstAddr = "10.0.0.26", PktSrcAddr = "10.0.9.77", PktDstAddr = "10.1.8.131", SrcPort = 49999, DstPort = 8000, Protocol = 6, Action = "ACCEPT" };
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), new[] { other });
        Assert.Equal(0, report.RecordsMatched);
    }

    [Fact]
    public void SKIPDATA_on_a_missing_hop_is_said_in_its_note()
    {
        var records = Read("missing-record", "records.log")
            .Append(new FlowLogRecord { InterfaceId = EniB1a, LogStatus = "SKIPDATA", Start = 1671497000, End = 1671497060 });
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), records);
        Assert.Contains("SKIPDATA", report.Hops.Single(h => h.Status == HopEvidenceStatus.Missing).Note);
    }

    [Fact]
    public void Records_list_prints_short_for_csv_and_caps_what_it_keeps()
    {
        var one = Read("seed-bonus", "records.log").First(r => r.InterfaceId == EniA1b);
        var many = Enumerable.Range(0, 30).Select(i => Clone(one, start: one.Start + i));
        var report = FlowLogEvidenceMatcher.Match(SeedWalk(), many, new FlowLogMatchOptions { MaxRecordsPerHop = 5 });
        var hop = report.Hops.Single(h => h.NetworkInterfaceId == EniA1b && h.Direction == WalkDirection.Forward);
        Assert.Equal(5, hop.Records.Count);
        Assert.Equal(30, hop.Records.Total);
        Assert.Equal(30, hop.AcceptRecords);
        Assert.Equal(180, hop.Packets);
        Assert.EndsWith("(+26 more)", hop.Records.ToString());
        Assert.Contains("records.log:1", hop.Records.ToString());
    }

    [Fact]
    public void Edges_and_peering_attachments_on_the_path_are_not_expected_in_VPC_flow_logs()
    {
        // Out through a VPN attachment: the path ends at tgw-attach-…, which has no ENI (R-FL-12).
        var model = ScenarioTests.ModelFor(Repo("tests", "scenarios", "tgw-vpn-dx-edges"));
        var walk = new PacketWalker(model).Walk(new WalkRequest { Source = HostA, Destination = "192.168.10.10", Port = 443, SourcePort = 49999 });
        var edge = walk.ForwardPath[^1];
        Assert.StartsWith("tgw-attach-", edge);
        var records = new[]
        {
            Rec(EniHostA, "10.0.9.132", "192.168.10.10", 49999, 443, "ACCEPT"),
            Rec(EniA1b, "10.0.9.132", "192.168.10.10", 49999, 443, "ACCEPT"),
        };
        var report = FlowLogEvidenceMatcher.Match(walk, records);
        Assert.DoesNotContain(report.Hops, h => h.NetworkInterfaceId == edge);
        Assert.Contains(report.Notes, n => n.Contains(edge) && n.Contains("R-FL-12"));
        Assert.Equal(new[] { EniHostA, EniA1b }, report.Hops.Where(h => h.Direction == WalkDirection.Forward).Select(h => h.NetworkInterfaceId));
        Assert.All(report.Hops.Where(h => h.Direction == WalkDirection.Forward), h => Assert.Equal(HopEvidenceStatus.Confirmed, h.Status));
    }

    [Fact]
    public void Walk_without_addresses_is_rejected_with_the_walk_error_id()
    {
        var ex = Assert.Throws<FlowLogWalkException>(() => new FlowLogEvidenceMatcher(new PacketPathResult { Protocol = "tcp", Port = 8000 }));
        Assert.Equal(FlowLogErrorIds.InvalidWalk, ex.ErrorId);
    }

    public static IEnumerable<object[]> ScenarioCases() => ScenarioTests.Cases();

    [Theory]
    [MemberData(nameof(ScenarioCases))]
    public void Hops_assemble_back_into_the_walks_paths_and_deciding_hop(string scenario, string caseName)
    {
        var folder = ScenarioTests.ScenarioFolders().First(f => Path.GetFileName(f) == scenario);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().First(x => x.GetProperty("name").GetString() == caseName);
        int? Int(string name) => c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        string? Str(string name) => c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var walk = new PacketWalker(ScenarioTests.ModelFor(folder)).Walk(new WalkRequest
        {
            Source = c.GetProperty("source").GetString()!,
            Destination = c.GetProperty("destination").GetString()!,
            Protocol = Net.IpProtocol.Parse(c.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "tcp"),
            Port = Int("port"), SourcePort = Int("sourcePort"), IcmpType = Int("icmpType"), IcmpCode = Int("icmpCode"),
            SourceIp = Str("sourceIp"), DestinationIp = Str("destinationIp"), SourceVpcId = Str("sourceVpcId"), DestinationVpcId = Str("destinationVpcId"),
        });
        var assembled = Assert.Single(HopPathAssembler.Assemble(walk.Hops));
        Assert.Equal(walk.ForwardPath, assembled.ForwardPath);
        Assert.Equal(walk.ReturnPath, assembled.ReturnPath);
        Assert.Equal(walk.SourceAddress, assembled.SourceAddress);
        Assert.Equal(walk.DestinationAddress, assembled.DestinationAddress);
        Assert.Equal(walk.Port, assembled.Port);
        if (walk.Verdict == PathVerdict.Blocked)
        {
            Assert.Equal(PathVerdict.Blocked, assembled.Verdict);
            Assert.Equal(walk.BlockedAt, assembled.BlockedAt);
            Assert.Equal(walk.BlockedDirection, assembled.BlockedDirection);
        }
        if (walk.Verdict == PathVerdict.Reachable) Assert.Equal(PathVerdict.Reachable, assembled.Verdict);
    }

    [Fact]
    public void Several_walks_in_one_hop_stream_come_apart_at_the_sequence_restart()
    {
        var w1 = SeedWalk();
        var w2 = new PacketWalker(SeedModel).Walk(new WalkRequest { Source = HostB, Destination = HostA, Port = 443 });
        var walks = HopPathAssembler.Assemble(w1.Hops.Concat(w2.Hops));
        Assert.Equal(2, walks.Count);
        Assert.Equal(w1.ForwardPath, walks[0].ForwardPath);
        Assert.Equal(w2.ForwardPath, walks[1].ForwardPath);
        Assert.Equal(PathVerdict.Blocked, walks[1].Verdict);
        var report = FlowLogEvidenceMatcher.Match(walks[0], Read("seed-bonus", "records.log"));
        Assert.Equal(FlowLogVerdict.Confirmed, report.Verdict);
    }

    private static FlowLogRecord Rec(string eni, string src, string dst, int sp, int dp, string action) =>
        new() { Version = 2, InterfaceId = eni, SrcAddr = src, DstAddr = dst, SrcPort = sp, DstPort = dp, Protocol = 6, Packets = 1, Bytes = 60, Start = 1671497064, End = 1671497070, Action = action, LogStatus = "OK" };

    private static FlowLogRecord Clone(FlowLogRecord r, string? interfaceId = null, string? action = null, int? srcPort = null, int? dstPort = null, long? start = null) => new()
    {
        Version = r.Version, AccountId = r.AccountId, InterfaceId = interfaceId ?? r.InterfaceId, SrcAddr = r.SrcAddr, DstAddr = r.DstAddr,
        SrcPort = srcPort ?? r.SrcPort, DstPort = dstPort ?? r.DstPort, Protocol = r.Protocol, Packets = r.Packets, Bytes = r.Bytes,
        Start = start ?? r.Start, End = r.End, Action = action ?? r.Action, LogStatus = r.LogStatus, Origin = r.Origin,
    };
}
