using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using PacketWalk.Aws;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using static PacketWalk.Live.Tests.LiveTestSupport;

namespace PacketWalk.Live.Tests;

/// <summary>Where moto_server is, or why these tests are skipped (said loudly: .ci/run prints it too).</summary>
internal static class Moto
{
    public static readonly (string FileName, string[] Arguments)? Command = Find();

    public static string? SkipReason => Command is null
        ? "moto is not installed (neither moto_server on PATH nor python3 -m moto.server): the moto integration tests did NOT run"
        : null;

    private static (string, string[])? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "moto_server");
            if (File.Exists(candidate)) return (candidate, Array.Empty<string>());
        }
        try
        {
            using var p = Process.Start(new ProcessStartInfo("python3", "-c \"import moto.server\"") { RedirectStandardError = true, RedirectStandardOutput = true });
            if (p is not null && p.WaitForExit(30_000) && p.ExitCode == 0) return ("python3", new[] { "-m", "moto.server" });
        }
        catch (System.ComponentModel.Win32Exception) { }
        return null;
    }
}

/// <summary>A fact that runs only when moto is installed; otherwise it is reported as skipped with the reason.</summary>
public sealed class MotoFactAttribute : FactAttribute
{
    public MotoFactAttribute()
    {
        if (Moto.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>
/// moto_server on a free port of 127.0.0.1, and a two-VPC transit gateway scenario built in it with the SDK (the
/// scenario's writes go through a client of the test's own, never the reader's). moto's known gaps, worked around
/// openly: it creates no TGW attachment ENIs (stand-in ENIs with AWS's description are created in the attachment
/// subnets, with moto's "interface" type), SearchTransitGatewayRoutes returns routes without their attachment (the
/// scenario routes by propagation, which the reader turns into routes from the VPCs' CIDRs; one test shows a static
/// route then yields Unknown), propagation produces no routes in moto itself (the reader does not rely on it), and
/// attachments always report the TGW's default route table as their association (the scenario uses that table).
/// </summary>
public sealed class MotoFixture : IDisposable
{
    private readonly Process? _process;

    public MotoFixture()
    {
        if (Moto.Command is not { } command) return;
        var port = FreePort();
        var psi = new ProcessStartInfo(command.FileName) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in command.Arguments) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "-H", "127.0.0.1", "-p", port.ToString() }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Url = $"http://127.0.0.1:{port}";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, port); break; }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited) { Thread.Sleep(200); }
        }
        Build();
    }

    public string Url { get; } = "";
    public string VpcA { get; private set; } = "";
    public string VpcB { get; private set; } = "";
    public string EniA { get; private set; } = "";
    public string EniB { get; private set; } = "";
    public string EniB2 { get; private set; } = "";
    public string TgwRouteTable { get; private set; } = "";
    public string AttachmentB { get; private set; } = "";
    public const string AddressB = "10.1.1.10";

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public AmazonEC2Client Writer() => new(new BasicAWSCredentials("testing", "testing"), new AmazonEC2Config { ServiceURL = Url, AuthenticationRegion = "us-east-1" });

    private void Build()
    {
        using var ec2 = Writer();
        string Vpc(string cidr) => ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = cidr }).Result.Vpc.VpcId;
        string Subnet(string vpc, string cidr, string az) => ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = cidr, AvailabilityZone = az }).Result.Subnet.SubnetId;
        VpcA = Vpc("10.0.0.0/16");
        VpcB = Vpc("10.1.0.0/16");
        var a1 = Subnet(VpcA, "10.0.1.0/24", "us-east-1a");
        var a2 = Subnet(VpcA, "10.0.2.0/24", "us-east-1b");
        var b1 = Subnet(VpcB, "10.1.1.0/24", "us-east-1a");
        var b2 = Subnet(VpcB, "10.1.2.0/24", "us-east-1b");

        var sgA = ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "client", Description = "client", VpcId = VpcA }).Result.GroupId;
        var sgB = ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "server", Description = "server", VpcId = VpcB }).Result.GroupId;
        ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = sgB,
            IpPermissions = new List<IpPermission> { new() { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Ipv4Ranges = new List<IpRange> { new() { CidrIp = "10.0.0.0/16" } } } },
        }).Wait();
        string Eni(string subnet, string ip, string sg, string? description = null) => ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest
        {
            SubnetId = subnet, PrivateIpAddress = ip, Groups = new List<string> { sg }, Description = description,
        }).Result.NetworkInterface.NetworkInterfaceId;
        EniA = Eni(a1, "10.0.1.10", sgA);
        EniB = Eni(b1, AddressB, sgB);
        EniB2 = Eni(b2, "10.1.2.10", sgB);

        // moto gap: DescribeTransitGatewayAttachments always reports the TGW's default route table as the association, even
        // after AssociateTransitGatewayRouteTable to another one. So the scenario uses the default table (default
        // association on) and enables propagation into it explicitly.
        var created = ec2.CreateTransitGatewayAsync(new CreateTransitGatewayRequest
        {
            Description = "hub",
            Options = new TransitGatewayRequestOptions { DefaultRouteTableAssociation = "enable", DefaultRouteTablePropagation = "disable" },
        }).Result.TransitGateway;
        var tgw = created.TransitGatewayId;
        TgwRouteTable = created.Options.AssociationDefaultRouteTableId;
        string Attach(string vpc, params string[] subnets) => ec2.CreateTransitGatewayVpcAttachmentAsync(new CreateTransitGatewayVpcAttachmentRequest
        {
            TransitGatewayId = tgw, VpcId = vpc, SubnetIds = subnets.ToList(),
        }).Result.TransitGatewayVpcAttachment.TransitGatewayAttachmentId;
        var attachmentA = Attach(VpcA, a1, a2);
        AttachmentB = Attach(VpcB, b1, b2);
        foreach (var att in new[] { attachmentA, AttachmentB })
            ec2.EnableTransitGatewayRouteTablePropagationAsync(new EnableTransitGatewayRouteTablePropagationRequest { TransitGatewayRouteTableId = TgwRouteTable, TransitGatewayAttachmentId = att }).Wait();
        // moto gap: no attachment ENIs. Stand-ins with the description AWS writes, one per attachment subnet.
        foreach (var (att, subnet, ip, sg) in new[] { (attachmentA, a1, "10.0.1.200", sgA), (attachmentA, a2, "10.0.2.200", sgA), (AttachmentB, b1, "10.1.1.200", sgB), (AttachmentB, b2, "10.1.2.200", sgB) })
            Eni(subnet, ip, sg, $"Network Interface for Transit Gateway Attachment {att}");

        foreach (var (vpc, peer) in new[] { (VpcA, "10.1.0.0/16"), (VpcB, "10.0.0.0/16") })
        {
            var main = ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = new List<Filter> { new("vpc-id", new List<string> { vpc }) } }).Result
                .RouteTables.Single(r => r.Associations?.Any(a => a.Main == true) == true);
            ec2.CreateRouteAsync(new CreateRouteRequest { RouteTableId = main.RouteTableId, DestinationCidrBlock = peer, TransitGatewayId = tgw }).Wait();
        }
    }

    public void Dispose()
    {
        if (_process is null) return;
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}

/// <summary>Live walks against moto_server (when installed): a real EC2 Query-API implementation the tests did not write.</summary>
public sealed class MotoTests : IClassFixture<MotoFixture>
{
    private readonly MotoFixture _moto;
    public MotoTests(MotoFixture moto) => _moto = moto;

    private LiveEstate Read(params string[] endpoints) => ReadForWalk(Session(_moto.Url), endpoints);

    [MotoFact]
    public void A_walk_across_the_transit_gateway_is_reachable_and_reads_only()
    {
        var estate = Read(_moto.EniA, _moto.EniB);
        var result = Walk(estate.BuildModel("moto"), Tcp(_moto.EniA, _moto.EniB, 443));
        Assert.True(result.Verdict == PathVerdict.Reachable, Describe(result) + "\n" + result.Explanation);
        Assert.Contains(result.ForwardPath, id => id == _moto.EniB);
        Assert.All(estate.SentRequests, r => Assert.Matches(ReadOnlyAction(), r.Operation));
        Assert.Empty(estate.Unreadable);
        Assert.True(estate.ApiCalls <= 15, $"{estate.ApiCalls} calls");
    }

    [MotoFact]
    public void The_security_group_drop_on_another_port_is_found()
    {
        var result = Walk(Read(_moto.EniA, _moto.EniB).BuildModel("moto"), Tcp(_moto.EniA, _moto.EniB, 22));
        Assert.Equal(PathVerdict.Blocked, result.Verdict);
        Assert.Equal(_moto.EniB, result.BlockedAt);
    }

    [MotoFact]
    public void An_ip_address_destination_is_found_through_the_eni_address_filter()
    {
        var result = Walk(Read(_moto.EniA, MotoFixture.AddressB).BuildModel("moto"), Tcp(_moto.EniA, MotoFixture.AddressB, 443));
        Assert.Equal(PathVerdict.Reachable, result.Verdict);
    }

    [MotoFact]
    public void The_export_of_moto_walks_like_the_live_walk()
    {
        var estate = new LiveEstateReader(new[] { Session(_moto.Url) }).ReadScopeAsync(null).GetAwaiter().GetResult();
        Assert.All(estate.SentRequests, r => Assert.Matches("^(Describe|Get|Search)[A-Za-z]+$|^GetCallerIdentity$", r.Operation));
        using var folder = new TempFolder();
        SnapshotWriter.Write(folder.Path, estate, redact: false);
        var exported = SnapshotReader.Read(folder.Path);
        var live = Read(_moto.EniA, _moto.EniB).BuildModel("moto");
        foreach (var request in new[] { Tcp(_moto.EniA, _moto.EniB, 443), Tcp(_moto.EniA, _moto.EniB, 22), Tcp(_moto.EniB, _moto.EniA, 443) })
            Assert.Equal(Describe(Walk(live, request)), Describe(Walk(exported, request)));
        Assert.True(Directory.Exists(Path.Combine(folder.Path, "aws_configs", "accounts", "123456789012", "us-east-1")));
    }

    [MotoFact]
    public void A_static_tgw_route_from_moto_names_no_attachment_so_the_walk_says_unknown_not_reachable()
    {
        // moto gap: SearchTransitGatewayRoutes leaves out a static route's attachment. The more specific static route
        // wins over the propagated /16, names no attachment, and the walk must not guess where it leads.
        using (var ec2 = _moto.Writer())
            ec2.CreateTransitGatewayRouteAsync(new CreateTransitGatewayRouteRequest
            {
                TransitGatewayRouteTableId = _moto.TgwRouteTable, DestinationCidrBlock = "10.1.2.0/24", TransitGatewayAttachmentId = _moto.AttachmentB,
            }).Wait();
        var result = Walk(Read(_moto.EniA, _moto.EniB2).BuildModel("moto"), Tcp(_moto.EniA, _moto.EniB2, 443));
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
        Assert.Equal("TGW_RTB_ROUTES_ARE_UNKNOWN", result.Reason);
    }
}
