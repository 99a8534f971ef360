using System.Text.Json.Nodes;
using PacketWalk.Aws;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;
using PacketWalk.Ec2Stub;
using static PacketWalk.Live.Tests.LiveTestSupport;

namespace PacketWalk.Live.Tests;

public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pw-live-" + Guid.NewGuid().ToString("N")));
    public string Path { get; }
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>Export-PacketWalkSnapshot's engine, and walks that cross accounts through assumed roles.</summary>
public class ExportAndAccountsTests
{
    private static LiveEstate ReadScope(AwsSession session, IReadOnlyCollection<string>? vpcIds = null) =>
        new LiveEstateReader(new[] { session }).ReadScopeAsync(vpcIds).GetAwaiter().GetResult();

    public static IEnumerable<object[]> ScenarioNames() => Scenarios().Select(s => new object[] { s.Name });

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void An_export_reads_back_and_walks_as_the_live_walk(string scenario)
    {
        var snapshot = Scenarios().First(s => s.Name == scenario).Snapshot;
        using var stub = StartStub(snapshot);
        using var folder = new TempFolder();
        // Every region the scenario has (an export of several regions, as -Region us-east-1, eu-west-1 makes).
        var regions = Directory.GetDirectories(snapshot, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Where(n => System.Text.RegularExpressions.Regex.IsMatch(n!, @"^[a-z]{2}-[a-z]+-\d$")).Distinct().DefaultIfEmpty("us-east-1").ToList();
        var sessions = regions.Select(r => Session(stub.Url, r!)).ToList();
        var written = SnapshotWriter.Write(folder.Path, new LiveEstateReader(sessions).ReadScopeAsync(null).GetAwaiter().GetResult(), redact: false);
        Assert.NotEmpty(written);
        Assert.All(written, f => Assert.StartsWith(Path.Combine(folder.Path, "aws_configs", "accounts", DefaultAccount), f));
        Assert.All(stub.Actions, a => Assert.Matches(ReadOnlyAction(), a));

        var exported = SnapshotReader.Read(folder.Path);
        foreach (var request in Cases(scenario))
        {
            var live = ReadForWalk(Session(stub.Url), Endpoints(request)).BuildModel("live");
            Assert.Equal(Describe(Walk(live, request)), Describe(Walk(exported, request)));
        }
        // The export carries the account and region in its folder names, as the offline reader takes them.
        Assert.All(exported.Vpcs.Values, v => Assert.Contains(v.Origin.Region, regions));
    }

    [Fact]
    public void A_redacted_export_has_no_tags_or_descriptions_and_walks_the_same()
    {
        using var stub = StartStub(Seed);
        using var folder = new TempFolder();
        SnapshotWriter.Write(folder.Path, ReadScope(Session(stub.Url)), redact: true);
        var text = string.Join("\n", Directory.GetFiles(folder.Path, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.DoesNotContain("\"Tags\"", text);
        Assert.DoesNotContain("\"TagSet\"", text);
        Assert.DoesNotContain("\"Key\": \"Name\"", text);   // the seed names its instances by tag
        foreach (var line in text.Split('\n').Where(l => l.Contains("\"Description\"")))
            Assert.Contains("Network Interface for Transit Gateway Attachment tgw-attach-", line);

        var model = SnapshotReader.Read(folder.Path);
        Assert.Equal(Describe(Walk(SnapshotReader.Read(Seed), Tcp(HostA, HostB, 443))), Describe(Walk(model, Tcp(HostA, HostB, 443))));
    }

    [Fact]
    public void A_vpc_scoped_export_holds_only_that_vpc_and_the_transit_gateways_it_uses()
    {
        using var stub = StartStub(Seed);
        var estate = ReadScope(Session(stub.Url), new[] { "vpc-0a000000000000001" });
        using var folder = new TempFolder();
        SnapshotWriter.Write(folder.Path, estate, redact: false);
        var model = SnapshotReader.Read(folder.Path);
        Assert.Equal(new[] { "vpc-0a000000000000001" }, model.Vpcs.Keys);
        Assert.All(model.Subnets.Values, s => Assert.Equal("vpc-0a000000000000001", s.VpcId));
        Assert.Single(model.TransitGateways);
        Assert.NotEmpty(model.TransitGatewayRoutes);
    }

    [Fact]
    public void A_refused_kind_is_left_out_of_the_export_and_reported()
    {
        using var stub = StartStub(Seed);
        stub.Hooks.Add(StubFaults.Unauthorized("DescribeNetworkAcls"));
        var estate = ReadScope(Session(stub.Url));
        Assert.Contains(estate.Unreadable, u => u.Action == "ec2:DescribeNetworkAcls");
        Assert.DoesNotContain(estate.Documents, d => d.Key == "NetworkAcls");
        Assert.Contains(estate.Documents, d => d.Key == "Subnets");
    }

    // ---- several accounts ------------------------------------------------------------------------------------------

    private const string SpokeA = DefaultAccount;       // the caller's own account: HOST-A's VPC
    private const string SpokeB = "222222222222";        // HOST-B's VPC, read through a role
    private const string Network = "333333333333";       // owns the transit gateway, shared to both spokes

    /// <summary>The seed split the way a real estate is: each VPC in its own account, the TGW in a network account.</summary>
    private static StubEstate SplitSeed()
    {
        var estate = new StubEstate(SpokeA);
        var whole = new StubEstate("x").AddSnapshot("x", Seed);
        string AccountOfVpc(string? vpc) => vpc == "vpc-0b000000000000001" ? SpokeB : SpokeA;
        JsonObject Owned(JsonObject item, string account) => (JsonObject)JsonNode.Parse(item.ToJsonString().Replace("111122223333", account))!;
        foreach (var key in new[] { "Vpcs", "Subnets", "RouteTables", "NetworkAcls", "SecurityGroups", "NetworkInterfaces", "TransitGatewayVpcAttachments" })
            foreach (var item in whole.Items("x", key))
            {
                var account = AccountOfVpc(item["VpcId"]?.GetValue<string>());
                estate.AddItems(account, key, new[] { Owned(item, account) });
                if (key == "TransitGatewayVpcAttachments") estate.AddItems(Network, key, new[] { Owned(item, account) });
            }
        foreach (var r in whole.Items("x", "Reservations"))
        {
            var account = AccountOfVpc(r["Instances"]?.AsArray().First()?["VpcId"]?.GetValue<string>());
            estate.AddItems(account, "Reservations", new[] { Owned(r, account) });
        }
        foreach (var account in new[] { SpokeA, SpokeB, Network })
            estate.AddItems(account, "TransitGateways", whole.Items("x", "TransitGateways").Select(t => Owned(t, Network)));
        foreach (var key in new[] { "TransitGatewayRouteTables", "TransitGatewayStaticRoutes", "TransitGatewayPropagations" })
            estate.AddItems(Network, key, whole.Items("x", key).Select(t => Owned(t, Network)));
        foreach (var a in whole.Items("x", "TransitGatewayAttachments"))
        {
            var copy = Owned(a, Network);
            copy["ResourceOwnerId"] = AccountOfVpc(a["ResourceId"]?.GetValue<string>());
            estate.AddItems(Network, "TransitGatewayAttachments", new[] { copy });
        }
        return estate;
    }

    [Fact]
    public void A_walk_through_a_shared_transit_gateway_reads_every_account_it_crosses()
    {
        using var stub = new Ec2StubServer(SplitSeed()).Start();
        var caller = Session(stub.Url);
        var log = new RequestLog();
        var roles = AwsSessionFactory.AssumeRolesAsync(caller,
            new[] { $"arn:aws:iam::{Network}:role/PacketWalkReader", $"arn:aws:iam::{SpokeB}:role/PacketWalkReader" }, log, null, default).GetAwaiter().GetResult();
        Assert.Equal(new[] { Network, SpokeB }, roles.Select(r => r.AccountId));

        var estate = new LiveEstateReader(new[] { caller }.Concat(roles).ToList(), null, log).ReadForWalkAsync(new[] { HostA, HostB }).GetAwaiter().GetResult();
        var live = estate.BuildModel("live");
        foreach (var request in new[] { Tcp(HostA, HostB, 443), Tcp(HostB, HostA, 443) })
            Assert.Equal(Describe(Walk(SnapshotReader.Read(Seed), request)), Describe(Walk(live, request)));
        Assert.Equal(PathVerdict.Reachable, Walk(live, Tcp(HostA, HostB, 443)).Verdict);

        // Each account was read with its own credentials: TGW route tables in the network account, VPC B in spoke B.
        Assert.Contains(stub.Requests, r => r.Action == "SearchTransitGatewayRoutes" && r.Account == Network);
        Assert.DoesNotContain(stub.Requests, r => r.Action == "SearchTransitGatewayRoutes" && r.Account != Network);
        Assert.Contains(stub.Requests, r => r.Action == "DescribeSubnets" && r.Account == SpokeB);
        Assert.Contains(stub.Requests, r => r.Action == "DescribeSubnets" && r.Account == SpokeA);
        Assert.All(stub.Actions, a => Assert.Matches("^(Describe|Get|Search)[A-Za-z]+$|^AssumeRole$", a));
        // Resources carry the account that owns them.
        Assert.Equal(SpokeB, live.Vpcs["vpc-0b000000000000001"].OwnerId);
        Assert.Equal(Network, live.TransitGateways.Values.Single().OwnerId);
    }

    [Fact]
    public void Without_the_network_accounts_role_the_transit_gateway_routes_are_unknown_not_reachable()
    {
        using var stub = new Ec2StubServer(SplitSeed()).Start();
        var caller = Session(stub.Url);
        var log = new RequestLog();
        var roles = AwsSessionFactory.AssumeRolesAsync(caller, new[] { $"arn:aws:iam::{SpokeB}:role/PacketWalkReader" }, log, null, default).GetAwaiter().GetResult();
        var live = new LiveEstateReader(new[] { caller }.Concat(roles).ToList(), null, log).ReadForWalkAsync(new[] { HostA, HostB }).GetAwaiter().GetResult().BuildModel("live");
        var result = Walk(live, Tcp(HostA, HostB, 443));
        Assert.Equal(PathVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public void Assuming_a_role_the_endpoint_refuses_is_an_assume_role_error()
    {
        using var stub = new Ec2StubServer(SplitSeed()).Start();
        var ex = Assert.Throws<AwsSessionException>(() => AwsSessionFactory.AssumeRolesAsync(Session(stub.Url),
            new[] { "arn:aws:iam::999999999999:role/Nope" }, new RequestLog(), null, default).GetAwaiter().GetResult());
        Assert.Equal(AwsSessionErrorIds.AssumeRoleFailed, ex.ErrorId);
        Assert.Contains("arn:aws:iam::999999999999:role/Nope", ex.Message);
    }
}
