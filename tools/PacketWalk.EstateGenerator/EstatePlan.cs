using System.Globalization;

namespace PacketWalk.EstateGenerator;

// The estate in memory before it is written: plain mutable classes filled once by EstatePlanner, read by EstateWriter.

internal readonly record struct Prefix(uint Network, int Length)
{
    public static Prefix Parse(string text)
    {
        var slash = text.IndexOf('/');
        var parts = text[..slash].Split('.');
        uint value = 0;
        foreach (var p in parts) value = value << 8 | uint.Parse(p, CultureInfo.InvariantCulture);
        return new Prefix(value, int.Parse(text[(slash + 1)..], CultureInfo.InvariantCulture));
    }

    public uint Size => Length == 0 ? uint.MaxValue : 1u << (32 - Length);
    public override string ToString() => $"{Address.Text(Network)}/{Length}";
}

internal static class Address
{
    public static string Text(uint v) => string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}");
}

internal enum Tier { Web, App, Database }

/// <summary>One IpPermission as describe-security-groups prints it (several peers per permission).</summary>
internal sealed record Permission(string Protocol, int? FromPort, int? ToPort, List<string> Cidrs, List<string> PrefixListIds, List<string> GroupIds);

internal sealed class PlanSecurityGroup
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public List<Permission> Ingress { get; } = new();
    public List<Permission> Egress { get; } = new();
}

internal sealed record AclEntry(int RuleNumber, bool Egress, string Protocol, bool Allow, string Cidr, int? FromPort, int? ToPort, bool Icmp);

internal sealed class PlanAcl
{
    public required string Id { get; init; }
    public required bool IsDefault { get; init; }
    public List<AclEntry> Entries { get; } = new();
    public List<string> SubnetIds { get; } = new();
}

internal sealed record PlanRoute(string Destination, bool IsPrefixList, string TargetKey, string TargetId, string Origin);

internal sealed class PlanRouteTable
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public bool Main { get; init; }
    public List<string> SubnetIds { get; } = new();
    public List<PlanRoute> Routes { get; } = new();
}

internal sealed class PlanSubnet
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required Prefix Cidr { get; init; }
    public required int Az { get; init; }
}

internal sealed class PlanEni
{
    public required string Id { get; init; }
    public required PlanSubnet Subnet { get; init; }
    public required uint Ip { get; init; }
    public required List<PlanSecurityGroup> Groups { get; init; }
    public string? InstanceId { get; init; }
    public int DeviceIndex { get; init; }
    public string? TgwAttachmentId { get; init; }
    public required string Mac { get; init; }
}

internal sealed class PlanInstance
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required PlanSubnet Subnet { get; init; }
    public required bool Windows { get; init; }
    public List<PlanEni> Enis { get; } = new();
}

internal sealed class PlanVpc
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Account { get; init; }
    public required PlanRegion Region { get; init; }
    public required Prefix Cidr { get; init; }
    public List<PlanSubnet> WorkloadSubnets { get; } = new();
    public List<PlanSubnet> AttachmentSubnets { get; } = new();
    public List<PlanRouteTable> RouteTables { get; } = new();
    public List<PlanAcl> Acls { get; } = new();
    public List<PlanSecurityGroup> Groups { get; } = new();
    public List<PlanInstance> Instances { get; } = new();
    public List<PlanEni> Enis { get; } = new();
    public required string TgwAttachmentId { get; init; }
    public required string S3EndpointId { get; init; }
    public bool Blackholed { get; set; }
    public PlanRouteTable WorkloadRouteTable => RouteTables[1];
}

internal sealed record PlanPeering(string Id, PlanVpc Requester, PlanVpc Accepter);

internal sealed record PlanTgwRoute(string Destination, string? AttachmentId, string? ResourceId, string? ResourceType, bool Blackhole);

internal sealed class PlanTgwRouteTable
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public bool DefaultAssociation { get; init; }
    public List<PlanTgwRoute> StaticRoutes { get; } = new();
    public List<PlanVpc> Propagations { get; } = new();
}

internal sealed record PlanTgwAttachment(string Id, string ResourceType, string ResourceId, string ResourceOwner, string RouteTableId, string Name);

/// <summary>A TGW peering attachment: one id, seen from both TGWs (each side lists it with its own TGW and route table).</summary>
internal sealed record PlanTgwPeering(string Id, PlanRegion Requester, PlanRegion Accepter);

internal sealed class PlanRegion
{
    public required RegionSpec Spec { get; init; }
    public required int Index { get; init; }
    public required Prefix Block { get; init; }
    public required string TgwId { get; init; }
    public required string S3PrefixListId { get; init; }
    public List<PlanVpc> Vpcs { get; } = new();
    public List<PlanTgwRouteTable> TgwRouteTables { get; } = new();
    public List<PlanTgwAttachment> OtherAttachments { get; } = new();
    public string Az(int i) => Spec.Name + (char)('a' + i);
    public string AzId(int i) => $"{Spec.AzIdPrefix}-az{i + 1}";
}

internal sealed class EstatePlan
{
    public required EstateSpec Spec { get; init; }
    public required int Seed { get; init; }
    public required string NetworkAccount { get; init; }
    public required List<string> WorkloadAccounts { get; init; }
    public List<PlanRegion> Regions { get; } = new();
    public List<PlanVpc> Vpcs { get; } = new();
    public List<PlanPeering> Peerings { get; } = new();
    public List<PlanTgwPeering> TgwPeerings { get; } = new();
    /// <summary>Customer-managed "corporate management" prefix list id per account and region.</summary>
    public Dictionary<(string Account, string Region), string> MgmtPrefixLists { get; } = new();
    public List<string> MgmtCidrs { get; } = new();
    public List<string> S3Cidrs { get; } = new();
}
