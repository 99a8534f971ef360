using System.Runtime.CompilerServices;
using System.Text.Json;
using PacketWalk.Core.Model;

namespace PacketWalk.Core.Snapshot.Parsers;

// VPC Block Public Access (R-BPA-1..6): the account/region mode and the VPC and subnet exclusions.
internal sealed partial class DocumentParser
{
    private static readonly HashSet<string> BlockModes = new(StringComparer.Ordinal) { "off", "block-bidirectional", "block-ingress" };
    private static readonly HashSet<string> ExclusionModes = new(StringComparer.Ordinal) { "allow-bidirectional", "allow-egress" };

    /// <summary>describe-vpc-block-public-access-options: <c>{"VpcBlockPublicAccessOptions": {...}}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseVpcBlockPublicAccessOptions(JsonElement o, JsonPath path)
    {
        var mode = ReqStr(o, path, "InternetGatewayBlockMode");
        if (!BlockModes.Contains(mode))
            throw Invalid(Child(path, "InternetGatewayBlockMode"), $"InternetGatewayBlockMode must be off, block-bidirectional or block-ingress, not '{Shorten(mode)}'");
        var account = Str(o, path, "AwsAccountId") ?? _account;
        var region = Str(o, path, "AwsRegion") ?? _region;
        _b.VpcBlockPublicAccessOptions.Add(new VpcBlockPublicAccessOptions(account, region, mode, Str(o, path, "ExclusionsAllowed"), Str(o, path, "State"),
            new ResourceOrigin(account, region, _file, path.ToString())));
    }

    /// <summary>describe-vpc-block-public-access-exclusions; the VPC or subnet comes from ResourceArn (…:vpc/vpc-… or …:subnet/subnet-…).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseVpcBlockPublicAccessExclusion(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "ExclusionId");
        var mode = ReqStr(o, path, "InternetGatewayExclusionMode");
        if (!ExclusionModes.Contains(mode))
            throw Invalid(Child(path, "InternetGatewayExclusionMode"), $"InternetGatewayExclusionMode must be allow-bidirectional or allow-egress, not '{Shorten(mode)}'");
        var arn = Str(o, path, "ResourceArn");
        string? vpcId = Str(o, path, "VpcId"), subnetId = Str(o, path, "SubnetId"), region = _region, account = _account;
        if (arn is not null)
        {
            // arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0123
            var parts = arn.Split(':', 6);
            var resource = parts.Length == 6 ? parts[5].Split('/', 2) : Array.Empty<string>();
            if (resource.Length != 2 || resource[0] is not ("vpc" or "subnet"))
                throw Invalid(Child(path, "ResourceArn"), $"ResourceArn must name a VPC or subnet (arn:aws:ec2:<region>:<account>:vpc/vpc-… or …:subnet/subnet-…), not '{Shorten(arn)}'");
            if (resource[0] == "vpc") vpcId ??= resource[1]; else subnetId ??= resource[1];
            region = parts[3].Length > 0 ? parts[3] : region;
            account = parts[4].Length > 0 ? parts[4] : account;
        }
        if (vpcId is null && subnetId is null) throw Missing(path, "ResourceArn");
        _b.VpcBlockPublicAccessExclusions.Add(new VpcBlockPublicAccessExclusion(id, mode, arn, vpcId, subnetId, Str(o, path, "State") ?? "create-complete",
            new ResourceOrigin(account, region, _file, path.ToString())));
    }
}
