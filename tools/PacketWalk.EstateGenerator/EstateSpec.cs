namespace PacketWalk.EstateGenerator;

/// <summary>A region of the estate, the share of VPCs it holds and the address block its VPCs are carved from.</summary>
public sealed record RegionSpec(string Name, string AzIdPrefix, double Share, string VpcBlock);

/// <summary>
/// The shape of a synthetic estate. Counts are targets the generator meets exactly (VPCs, ENIs) or closely
/// (routes per TGW route table); everything else is drawn from a seeded <see cref="Random"/>, so one spec and one
/// seed always give byte-identical files.
/// </summary>
public sealed record EstateSpec
{
    public required string Name { get; init; }
    public required int Vpcs { get; init; }
    /// <summary>All ENIs: instance interfaces plus the TGW attachment interfaces (one per attachment subnet).</summary>
    public required int NetworkInterfaces { get; init; }
    /// <summary>Accounts that own VPCs; one more account (the network account) owns the transit gateways.</summary>
    public required int WorkloadAccounts { get; init; }
    /// <summary>One transit gateway per region, so this also sets how many TGWs there are (1-4).</summary>
    public required IReadOnlyList<RegionSpec> Regions { get; init; }
    /// <summary>Routes in the spoke route table of the first region's TGW (static + propagated).</summary>
    public required int PrimaryTgwRoutes { get; init; }
    /// <summary>Routes in the spoke route table of every other region's TGW.</summary>
    public required int OtherTgwRoutes { get; init; }
    public int MinNaclRules { get; init; } = 20;
    public int MaxNaclRules { get; init; } = 100;
    /// <summary>Share of instances in the database tier (its groups admit no tcp/443 and allow little outbound).</summary>
    public double DatabaseTierShare { get; init; } = 0.07;
    /// <summary>Share of workload NACLs that deny tcp/443 from the first /11 of the primary region's block.</summary>
    public double RestrictedNaclShare { get; init; } = 0.04;
    /// <summary>Share of workload NACLs whose outbound rules pass only part of the Linux ephemeral range to 10/8.</summary>
    public double NarrowReturnNaclShare { get; init; } = 0.02;
    /// <summary>Share of VPCs whose TGW attachment has subnets in two AZs only (R-TGW-1 drops, R-TGW-4 crossings).</summary>
    public double TwoAzAttachmentShare { get; init; } = 0.02;
    /// <summary>Share of VPCs with a blackhole TGW route covering one workload subnet.</summary>
    public double BlackholedVpcShare { get; init; } = 0.01;
    /// <summary>Share of VPCs peered with their neighbour in the same region (with routes on both sides).</summary>
    public double PeeredVpcShare { get; init; } = 0.03;

    public static readonly RegionSpec UsEast1 = new("us-east-1", "use1", 1.0, "10.0.0.0/9");
    public static readonly RegionSpec UsWest2 = new("us-west-2", "usw2", 1.0, "10.128.0.0/12");
    public static readonly RegionSpec EuWest1 = new("eu-west-1", "euw1", 1.0, "10.144.0.0/12");
    public static readonly RegionSpec ApSoutheast2 = new("ap-southeast-2", "apse2", 1.0, "10.160.0.0/12");

    /// <summary>Seed-like: a handful of VPCs on one TGW.</summary>
    public static EstateSpec Small => new()
    {
        Name = "small", Vpcs = 6, NetworkInterfaces = 66, WorkloadAccounts = 2,
        Regions = new[] { UsEast1 with { Share = 1.0 } },
        PrimaryTgwRoutes = 60, OtherTgwRoutes = 60, MinNaclRules = 20, MaxNaclRules = 40,
        BlackholedVpcShare = 0.17, PeeredVpcShare = 0.8, TwoAzAttachmentShare = 0.17, RestrictedNaclShare = 0.0,
    };

    public static EstateSpec Medium => new()
    {
        Name = "medium", Vpcs = 200, NetworkInterfaces = 5_000, WorkloadAccounts = 8,
        Regions = new[] { UsEast1 with { Share = 0.9 }, EuWest1 with { Share = 0.1 } },
        PrimaryTgwRoutes = 5_000, OtherTgwRoutes = 5_000,
    };

    public static EstateSpec Large => new()
    {
        Name = "large", Vpcs = 2_000, NetworkInterfaces = 50_000, WorkloadAccounts = 40,
        Regions = new[] { UsEast1 with { Share = 0.85 }, UsWest2 with { Share = 0.05 }, EuWest1 with { Share = 0.05 }, ApSoutheast2 with { Share = 0.05 } },
        PrimaryTgwRoutes = 20_000, OtherTgwRoutes = 5_000,
    };

    public static EstateSpec ByName(string name) => name.ToLowerInvariant() switch
    {
        "small" => Small,
        "medium" => Medium,
        "large" => Large,
        _ => throw new ArgumentException($"unknown estate size '{name}' (small, medium, large)", nameof(name)),
    };
}
