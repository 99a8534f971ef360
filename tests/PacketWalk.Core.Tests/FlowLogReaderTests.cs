using System.IO.Compression;
using System.Text;
using PacketWalk.Core.FlowLogs;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Tests;

public class FlowLogReaderTests
{
    internal static string FlowLogFixtures => Path.Combine(ScenarioTests.RepoRoot(), "tests", "flowlogs");

    private const string SeedLine = "2 111122223333 eni-02632fc1186f1e023 10.0.9.132 10.1.8.131 49999 8000 6 6 437 1671497064 1671497069 ACCEPT OK";

    [Fact]
    public void Default_version2_record_is_typed_field_by_field()
    {
        var r = new FlowLogLineParser().Parse(SeedLine, "test")!;
        Assert.Equal(2, r.Version);
        Assert.Equal("111122223333", r.AccountId);
        Assert.Equal("eni-02632fc1186f1e023", r.InterfaceId);
        Assert.Equal("10.0.9.132", r.SrcAddr);
        Assert.Equal("10.1.8.131", r.DstAddr);
        Assert.Equal(49999, r.SrcPort);
        Assert.Equal(8000, r.DstPort);
        Assert.Equal(6, r.Protocol);
        Assert.Equal("tcp", r.ProtocolName);
        Assert.Equal(6L, r.Packets);
        Assert.Equal(437L, r.Bytes);
        Assert.Equal(1671497064L, r.Start);
        Assert.Equal(1671497069L, r.End);
        Assert.Equal("ACCEPT", r.Action);
        Assert.Equal("OK", r.LogStatus);
        Assert.Null(r.PktSrcAddr);
        Assert.Equal(new DateTimeOffset(2022, 12, 20, 0, 44, 24, TimeSpan.Zero), r.StartTimeUtc);
        Assert.Equal(TimeSpan.Zero, r.StartTimeUtc!.Value.Offset);
        Assert.Equal(r.StartTimeUtc!.Value.UtcDateTime, r.StartTime!.Value.UtcDateTime);
        Assert.Equal(TimeZoneInfo.Local.GetUtcOffset(r.StartTimeUtc.Value.UtcDateTime), r.StartTime.Value.Offset);
    }

    [Fact]
    public void Dash_means_not_applicable_and_NODATA_records_parse()
    {
        var r = new FlowLogLineParser().Parse("2 111122223333 eni-0092f8e2d29917a4c - - - - - - - 1671497000 1671497060 - NODATA", "t")!;
        Assert.Null(r.SrcAddr);
        Assert.Null(r.SrcPort);
        Assert.Null(r.Protocol);
        Assert.Null(r.Action);
        Assert.Equal("NODATA", r.LogStatus);
    }

    [Fact]
    public void Header_line_switches_to_a_custom_format_with_v3_to_v5_fields()
    {
        var parser = new FlowLogLineParser();
        Assert.Null(parser.Parse("version interface-id srcaddr dstaddr srcport dstport protocol action pkt-srcaddr pkt-dstaddr flow-direction traffic-path az-id subnet-id vpc-id tcp-flags reject-reason", "f", 1));
        Assert.True(parser.FormatFromHeader);
        Assert.Equal(5, parser.Format.Version);
        var r = parser.Parse("5 eni-02632fc1186f1e023 10.0.9.132 10.0.0.26 49999 8000 6 ACCEPT 10.0.9.132 10.1.8.131 ingress - use1-az2 subnet-0a00000000000a0b1 vpc-0a000000000000001 2 -", "f", 2)!;
        Assert.Equal("10.0.0.26", r.DstAddr);
        Assert.Equal("10.1.8.131", r.PktDstAddr);
        Assert.True(r.HasPacketAddresses);
        Assert.Equal("ingress", r.FlowDirection);
        Assert.Null(r.TrafficPath);
        Assert.Equal("use1-az2", r.AzId);
        Assert.Equal("subnet-0a00000000000a0b1", r.SubnetId);
        Assert.Equal("vpc-0a000000000000001", r.VpcId);
        Assert.Equal(2, r.TcpFlags);
        Assert.Null(r.ExtraFields);   // reject-reason was '-'
        Assert.Equal("f:2", r.Origin);
        Assert.Null(r.Bytes);         // not in the format
    }

    [Fact]
    public void LogFormat_string_with_dollar_braces_parses_and_unknown_fields_are_kept_as_text()
    {
        var format = FlowLogFormat.Parse("${version} ${interface-id} ${srcaddr} ${dstaddr} ${ecs-cluster-name} ${traffic-path}");
        Assert.Equal(6, format.Count);
        Assert.Equal(FlowLogField.Other, format.Fields[4]);
        var r = new FlowLogLineParser(format).Parse("7 eni-1 10.0.0.1 10.0.0.2 prod 4", "t")!;
        Assert.Equal("prod", r.ExtraFields!["ecs-cluster-name"]);
        Assert.Equal(4, r.TrafficPath);
        Assert.Equal("${version} ${interface-id} ${srcaddr} ${dstaddr} ${ecs-cluster-name} ${traffic-path}", format.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("${version} ${src addr}")]
    [InlineData("${Version} ${srcaddr}")]
    [InlineData("foo bar")]
    public void Bad_formats_are_rejected_with_the_format_error_id(string text)
    {
        var ex = Assert.Throws<FlowLogFormatException>(() => FlowLogFormat.Parse(text));
        Assert.Equal(FlowLogErrorIds.InvalidFormat, ex.ErrorId);
    }

    [Fact]
    public void Malformed_lines_are_reported_with_origin_and_line_and_reading_goes_on()
    {
        var issues = new List<FlowLogIssue>();
        var text = string.Join("\n", SeedLine, "2 111122223333 eni-1 10.0.0.1", SeedLine.Replace(" 437 ", " many "), SeedLine) + "\n";
        var reader = new FlowLogReader(onIssue: issues.Add);
        var records = reader.ReadStream(new MemoryStream(Encoding.ASCII.GetBytes(text)), "mem").ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal(2, issues.Count);
        Assert.Equal(2, issues[0].Line);
        Assert.Contains("-LogFormat", issues[0].Message);
        Assert.Equal(3, issues[1].Line);
        Assert.Contains("bytes 'many' is not a number", issues[1].Message);
        Assert.Equal(FlowLogErrorIds.MalformedRecord, issues[1].ErrorId);
        Assert.Equal(2, reader.Statistics.Malformed);
        Assert.Equal("mem:4", records[1].Origin);
    }

    [Fact]
    public void Gzip_and_plain_read_the_same_and_crlf_and_missing_final_newline_are_fine()
    {
        var text = "version interface-id srcaddr dstaddr srcport dstport protocol action\r\n2 eni-1 10.0.0.1 10.0.0.2 1 2 6 ACCEPT\r\n2 eni-2 10.0.0.3 10.0.0.4 3 4 17 REJECT";
        var plain = new FlowLogReader().ReadStream(new MemoryStream(Encoding.ASCII.GetBytes(text)), "p").ToList();
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Encoding.ASCII.GetBytes(text));
        gz.Position = 0;
        var zipped = new FlowLogReader().ReadStream(new NonSeekableStream(gz), "z").ToList();
        Assert.Equal(2, plain.Count);
        Assert.Equal(plain.Select(r => r.ToString()), zipped.Select(r => r.ToString()));
        Assert.Equal("REJECT", zipped[1].Action);
        Assert.Equal(17, zipped[1].Protocol);
    }

    [Fact]
    public void A_file_much_larger_than_the_buffer_streams_every_line_across_buffer_boundaries()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pw-flowlog-{Guid.NewGuid():N}.log.gz");
        try
        {
            const int lines = 60_000;   // ~5.5 MB uncompressed, many 256 KiB buffers
            using (var file = File.Create(path))
            using (var z = new GZipStream(file, CompressionLevel.Fastest))
            using (var w = new StreamWriter(z, new UTF8Encoding(false)))
            {
                w.Write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
                for (int i = 0; i < lines; i++)
                    w.Write($"2 111122223333 eni-{i % 7:x17} 10.0.{i % 250}.{i % 200} 10.1.8.131 {10000 + i % 50000} {(i % 1000 == 0 ? 8000 : 443)} 6 {i % 9 + 1} {i} {1671497000 + i} {1671497060 + i} {(i % 13 == 0 ? "REJECT" : "ACCEPT")} OK\n");
            }
            var all = new FlowLogReader();
            Assert.Equal(lines, all.ReadFile(path).Count());
            Assert.Equal(lines + 1, all.Statistics.Lines);
            Assert.Equal(1, all.Statistics.Headers);

            var filtered = new FlowLogReader(filter: new FlowLogFilter { Ports = PortSet.Of(8000) }).ReadFile(path).ToList();
            Assert.Equal(lines / 1000, filtered.Count);
            Assert.All(filtered, r => Assert.Equal(8000, r.DstPort));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Folder_in_S3_layout_is_read_recursively_and_day_folders_outside_the_window_are_skipped()
    {
        var folder = Path.Combine(FlowLogFixtures, "s3-layout", "AWSLogs");
        var files = FlowLogReader.FindLogFiles(folder);
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.EndsWith(".log.gz", f));
        var records = new FlowLogReader().ReadPaths(new[] { folder }).ToList();
        Assert.Equal(10, records.Count);   // 8 seed records, an SSH record, a NODATA record
        Assert.Equal(2, records.Count(r => r.InterfaceId == "eni-084d826e4b1e0e190" && r.DstPort is 8000 or 49999));
        Assert.Contains(records, r => r.LogStatus == "NODATA");

        Assert.Empty(FlowLogReader.FindLogFiles(folder, from: new DateTimeOffset(2023, 1, 5, 0, 0, 0, TimeSpan.Zero)));
        Assert.Empty(FlowLogReader.FindLogFiles(folder, to: new DateTimeOffset(2022, 12, 10, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(2, FlowLogReader.FindLogFiles(folder, new DateTimeOffset(2022, 12, 20, 0, 40, 0, TimeSpan.Zero), new DateTimeOffset(2022, 12, 20, 0, 50, 0, TimeSpan.Zero)).Count);
        Assert.Equal(new DateTime(2022, 12, 20), FlowLogReader.DayOfS3Path("AWSLogs/111122223333/vpcflowlogs/us-east-1/2022/12/20/x.log.gz"));
        Assert.Null(FlowLogReader.DayOfS3Path("logs/2022/13/20/x.log.gz"));
    }

    [Fact]
    public void Missing_file_is_a_read_exception_with_the_not_found_id()
    {
        var ex = Assert.Throws<FlowLogReadException>(() => new FlowLogReader().ReadFile("/nonexistent/flow.log").ToList());
        Assert.Equal(FlowLogErrorIds.PathNotFound, ex.ErrorId);
    }

    [Fact]
    public void Insights_rows_with_camelCase_names_the_seeds_aliases_or_a_message_become_records()
    {
        var parser = new FlowLogLineParser();
        var camel = parser.ParseFields(Pairs(("interfaceId", "eni-1"), ("srcAddr", "10.0.0.1"), ("dstAddr", "10.0.0.2"), ("srcPort", "1"), ("dstPort", "2"),
            ("protocol", "6"), ("action", "accept"), ("logStatus", "OK"), ("start", "1671497064"), ("@ptr", "xyz")), "row 1")!;
        Assert.Equal("eni-1", camel.InterfaceId);
        Assert.Equal("ACCEPT", camel.Action);
        Assert.Equal(6, camel.Protocol);
        Assert.Null(camel.ExtraFields);

        var seed = parser.ParseFields(Pairs(("Time", "1671497064"), ("Source", "10.0.9.132"), ("Destination", "10.1.8.131"), ("SourcePort", "49999"),
            ("DestinationPort", "8000"), ("ENI", "eni-02632fc1186f1e023")), "row 2")!;
        Assert.Equal(1671497064L, seed.Start);
        Assert.Equal("10.0.9.132", seed.SrcAddr);
        Assert.Equal(8000, seed.DstPort);
        Assert.Equal("eni-02632fc1186f1e023", seed.InterfaceId);
        Assert.Null(seed.Action);
        Assert.Null(seed.Protocol);

        var message = parser.ParseFields(Pairs(("@timestamp", "2022-12-20 00:44:29.000"), ("@message", SeedLine)), "row 3")!;
        Assert.Equal(437L, message.Bytes);

        var issues = new List<FlowLogIssue>();
        var strict = new FlowLogLineParser(onIssue: issues.Add);
        Assert.Null(strict.ParseFields(Pairs(("foo", "bar")), "row 4"));
        Assert.Null(strict.ParseFields(Pairs(("srcPort", "http")), "row 5"));
        Assert.Equal(2, issues.Count);
        Assert.Contains("srcport 'http' is not a number", issues[1].Message);
    }

    [Fact]
    public void Filter_on_raw_lines_agrees_with_the_filter_on_built_records()
    {
        var random = new Random(20221220);
        var enis = new[] { "eni-084d826e4b1e0e190", "eni-02632fc1186f1e023", "eni-0092f8e2d29917a4c" };
        var addrs = new[] { "10.0.9.132", "10.1.8.131", "10.0.0.26", "2600:1f18::10", "-" };
        var lines = new List<string> { "version interface-id srcaddr dstaddr srcport dstport protocol start end action log-status pkt-srcaddr pkt-dstaddr" };
        for (int i = 0; i < 3000; i++)
        {
            string Pick(string[] a) => a[random.Next(a.Length)];
            string Port() => random.Next(6) == 0 ? "-" : new[] { "49999", "8000", "443", "33000" }[random.Next(4)];
            var start = 1671497000 + random.Next(200);
            lines.Add($"2 {Pick(enis)} {Pick(addrs)} {Pick(addrs)} {Port()} {Port()} {(random.Next(8) == 0 ? "-" : random.Next(3) == 0 ? "17" : "6")} {start} {start + random.Next(60)} {Pick(new[] { "ACCEPT", "REJECT", "accept", "-" })} {Pick(new[] { "OK", "SKIPDATA" })} {Pick(addrs)} {Pick(addrs)}");
        }
        var text = string.Join("\n", lines);
        var all = new FlowLogReader().ReadStream(new MemoryStream(Encoding.ASCII.GetBytes(text)), "r").ToList();
        var filters = new[]
        {
            new FlowLogFilter { InterfaceIds = new[] { "ENI-02632FC1186F1E023" } },
            new FlowLogFilter { Addresses = new[] { IpAddress.Parse("10.1.8.131") } },
            new FlowLogFilter { Addresses = new[] { IpAddress.Parse("2600:1f18:0:0::10") } },
            new FlowLogFilter { Ports = PortSet.Of(8000), Protocol = 6 },
            new FlowLogFilter { Action = "accept" },
            new FlowLogFilter { StartTime = DateTimeOffset.FromUnixTimeSeconds(1671497150), EndTime = DateTimeOffset.FromUnixTimeSeconds(1671497170) },
            new FlowLogFilter { Flow = new FlowPortFilter(6, PortSet.Of(32768, 60999), PortSet.Of(8000)) },
            new FlowLogFilter { Flow = new FlowPortFilter(6, PortSet.Of(49999), PortSet.Of(8000)), InterfaceIds = new[] { "eni-084d826e4b1e0e190" }, Action = "REJECT" },
            new FlowLogFilter { StartTime = DateTimeOffset.FromUnixTimeSeconds(1671497100) }.WithFlowsOf(new[]
            {
                new FlowLogFilter { Flow = new FlowPortFilter(6, PortSet.Of(49999), PortSet.Of(8000)) },
                new FlowLogFilter { Flow = new FlowPortFilter(17, PortSet.Of(33000), PortSet.Of(443)) },
            }),
        };
        foreach (var filter in filters)
        {
            var expected = all.Where(filter.Matches).Select(r => r.Origin).ToList();
            var actual = new FlowLogReader(filter: filter).ReadStream(new MemoryStream(Encoding.ASCII.GetBytes(text)), "r").Select(r => r.Origin).ToList();
            Assert.True(expected.Count > 0, $"filter {filter} keeps nothing: the test would prove nothing");
            Assert.True(expected.Count < all.Count, $"filter {filter} keeps everything");
            Assert.Equal(expected, actual);
        }
    }

    internal static IEnumerable<KeyValuePair<string, string?>> Pairs(params (string Name, string? Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value));

    /// <summary>Like an S3 response stream: read forward only.</summary>
    private sealed class NonSeekableStream : Stream
    {
        private readonly Stream _inner;
        public NonSeekableStream(Stream inner) => _inner = inner;
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
