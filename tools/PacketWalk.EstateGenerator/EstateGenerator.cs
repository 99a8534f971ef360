using System.Globalization;

namespace PacketWalk.EstateGenerator;

/// <summary>What was written: counts for reports and tests.</summary>
public sealed record GeneratedEstate(
    string Root, string Size, int Seed, int Vpcs, int Subnets, int Instances, int NetworkInterfaces, int SecurityGroups,
    int NetworkAcls, int RouteTables, int TransitGateways, int TransitGatewayRoutes, int PeeringConnections, int Files, long Bytes);

/// <summary>
/// Deterministic synthetic estates for benchmarks and scale tests: one spec and one seed always give the same files.
/// The output is a Batfish-style snapshot root (<c>&lt;root&gt;/aws_configs/accounts/&lt;account&gt;/&lt;region&gt;/*.json</c>)
/// that SnapshotReader (and Import-PacketWalkSnapshot) read like any saved describe-* output.
/// </summary>
public static class EstateGenerator
{
    /// <summary>Bump when the generated content changes, so cached estates are regenerated.</summary>
    public const int Version = 2;

    public static GeneratedEstate Generate(EstateSpec spec, int seed, string root)
    {
        var plan = new EstatePlanner(spec, seed).Plan();
        var configs = Path.Combine(root, "aws_configs");
        if (Directory.Exists(configs)) Directory.Delete(configs, recursive: true);
        var writer = new EstateWriter(plan);
        writer.Write(root);
        var estate = new GeneratedEstate(root, spec.Name, seed,
            Vpcs: plan.Vpcs.Count,
            Subnets: plan.Vpcs.Sum(v => v.WorkloadSubnets.Count + v.AttachmentSubnets.Count),
            Instances: plan.Vpcs.Sum(v => v.Instances.Count),
            NetworkInterfaces: plan.Vpcs.Sum(v => v.Enis.Count),
            SecurityGroups: plan.Vpcs.Sum(v => v.Groups.Count),
            NetworkAcls: plan.Vpcs.Sum(v => v.Acls.Count),
            RouteTables: plan.Vpcs.Sum(v => v.RouteTables.Count),
            TransitGateways: plan.Regions.Count,
            TransitGatewayRoutes: plan.Regions.Sum(r => r.TgwRouteTables.Sum(t => t.StaticRoutes.Count + t.Propagations.Count)),
            PeeringConnections: plan.Peerings.Count,
            Files: writer.FilesWritten, Bytes: writer.BytesWritten);
        // Outside aws_configs/, so the snapshot reader never sees it.
        File.WriteAllText(Path.Combine(root, "estate.txt"), Stamp(spec, seed) + Environment.NewLine + Describe(estate) + Environment.NewLine);
        return estate;
    }

    /// <summary>Generates unless <paramref name="root"/> already holds this spec, seed and generator version.</summary>
    public static bool EnsureGenerated(EstateSpec spec, int seed, string root, out string stamp)
    {
        stamp = Stamp(spec, seed);
        var marker = Path.Combine(root, "estate.txt");
        if (File.Exists(marker) && File.ReadLines(marker).FirstOrDefault() == stamp) return false;
        Directory.CreateDirectory(root);
        Generate(spec, seed, root);
        return true;
    }

    public static string Stamp(EstateSpec spec, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"PacketWalk.EstateGenerator v{Version} size={spec.Name} seed={seed} vpcs={spec.Vpcs} enis={spec.NetworkInterfaces} tgwRoutes={spec.PrimaryTgwRoutes}/{spec.OtherTgwRoutes}");

    public static string Describe(GeneratedEstate e) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{e.Size} (seed {e.Seed}): {e.Vpcs} VPCs, {e.Subnets} subnets, {e.Instances} instances, {e.NetworkInterfaces} ENIs, {e.SecurityGroups} security groups, {e.NetworkAcls} NACLs, {e.RouteTables} route tables, {e.TransitGateways} TGWs with {e.TransitGatewayRoutes} TGW routes, {e.PeeringConnections} peerings; {e.Files} files, {e.Bytes / 1048576.0:0.0} MiB");
}
