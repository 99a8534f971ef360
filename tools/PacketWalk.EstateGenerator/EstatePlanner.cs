using System.Globalization;

namespace PacketWalk.EstateGenerator;

/// <summary>
/// Lays out the estate: a hub-and-spoke design where every VPC reaches every other VPC of its region through the
/// region's transit gateway (spoke route table with propagations from every VPC attachment) and other regions through
/// TGW peering with the first region, so walks between instances are mostly Reachable. The exceptions are deliberate
/// and counted by the spec's shares: database-tier groups, NACLs that deny tcp/443 from part of the address space or
/// pass only part of the ephemeral range, blackhole TGW routes, attachments missing an AZ, and VPC peering between
/// neighbours (whatever the engine makes of peering routes).
/// </summary>
internal sealed class EstatePlanner
{
    private static readonly Prefix[] OnPremBlocks = { Prefix.Parse("10.192.0.0/10"), Prefix.Parse("172.16.0.0/12"), Prefix.Parse("192.168.0.0/16") };
    private static readonly int[] OnPremLengths = { 22, 23, 24, 24, 24, 24, 25, 26, 27, 28 };
    private static readonly int[] FillerPorts = { 25, 53, 88, 123, 389, 636, 1433, 1521, 2049, 3000, 3306, 5000, 5601, 6379, 8000, 8443, 9000, 9090, 9200, 9443, 11211, 27017 };
    /// <summary>Sources in this block are denied tcp/443 by the "restricted" NACLs: the first 512 VPCs of the primary region.</summary>
    public const string QuarantinedSources = "10.0.0.0/11";

    private readonly EstateSpec _spec;
    private readonly int _seed;
    private readonly Random _rng;
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public EstatePlanner(EstateSpec spec, int seed)
    {
        if (spec.Regions.Count is < 1 or > 4) throw new ArgumentException("an estate has 1-4 regions (one TGW each)", nameof(spec));
        _spec = spec;
        _seed = seed;
        _rng = new Random(seed);
    }

    /// <summary>An id in AWS's shape (prefix and 17 hex digits), unique per prefix and deterministic.</summary>
    private string Id(string prefix)
    {
        _counters.TryGetValue(prefix, out var n);
        _counters[prefix] = ++n;
        // Spread the counter over the hex digits so ids do not all share a long run of zeros, yet stay unique.
        ulong mixed = (ulong)n * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)_seed ^ Fnv1a(prefix);
        return $"{prefix}-0{(mixed & 0xFFFF_FFFF_FFFF_FFFFUL):x16}";
    }

    /// <summary>A stable string hash (string.GetHashCode differs per process).</summary>
    private static ulong Fnv1a(string text)
    {
        ulong hash = 0xcbf29ce484222325UL;
        foreach (var c in text) { hash ^= c; hash *= 0x100000001b3UL; }
        return hash;
    }

    public EstatePlan Plan()
    {
        var plan = new EstatePlan
        {
            Spec = _spec,
            Seed = _seed,
            NetworkAccount = "100000000000",
            WorkloadAccounts = Enumerable.Range(1, _spec.WorkloadAccounts).Select(i => (200000000000L + i * 1_000_001L).ToString(CultureInfo.InvariantCulture)).ToList(),
        };
        for (int i = 0; i < 10; i++) plan.MgmtCidrs.Add(OnPremPrefix(24).ToString());
        foreach (var c in new[] { "52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16", "16.182.0.0/16" }) plan.S3Cidrs.Add(c);

        for (int r = 0; r < _spec.Regions.Count; r++)
        {
            var spec = _spec.Regions[r];
            plan.Regions.Add(new PlanRegion { Spec = spec, Index = r, Block = Prefix.Parse(spec.VpcBlock), TgwId = Id("tgw"), S3PrefixListId = Id("pl") });
        }
        foreach (var account in plan.WorkloadAccounts.Prepend(plan.NetworkAccount))
            foreach (var region in plan.Regions)
                plan.MgmtPrefixLists[(account, region.Spec.Name)] = Id("pl");

        // VPCs per region by share; the first region takes the rounding remainder.
        var perRegion = _spec.Regions.Select(r => (int)Math.Floor(r.Share * _spec.Vpcs)).ToArray();
        perRegion[0] += _spec.Vpcs - perRegion.Sum();
        int vpcIndex = 0;
        foreach (var region in plan.Regions)
        {
            uint capacity = region.Block.Size >> 12;
            if (perRegion[region.Index] > capacity) throw new InvalidOperationException($"{region.Spec.Name} holds at most {capacity} /20 VPCs");
            for (int k = 0; k < perRegion[region.Index]; k++, vpcIndex++)
            {
                var vpc = new PlanVpc
                {
                    Index = vpcIndex, Id = Id("vpc"), Name = $"{_spec.Name}-vpc-{vpcIndex:D4}",
                    Account = plan.WorkloadAccounts[vpcIndex % plan.WorkloadAccounts.Count], Region = region,
                    Cidr = new Prefix(region.Block.Network + ((uint)k << 12), 20),
                    TgwAttachmentId = Id("tgw-attach"), S3EndpointId = Id("vpce"),
                };
                region.Vpcs.Add(vpc);
                plan.Vpcs.Add(vpc);
            }
        }

        int tgwEnis = 0;
        foreach (var vpc in plan.Vpcs)
        {
            LayOutVpc(plan, vpc);
            tgwEnis += vpc.AttachmentSubnets.Count;
        }
        int instanceEnis = _spec.NetworkInterfaces - tgwEnis;
        if (instanceEnis < plan.Vpcs.Count) throw new InvalidOperationException("too few ENIs for one instance per VPC");
        for (int i = 0; i < plan.Vpcs.Count; i++)
            AddInstances(plan.Vpcs[i], instanceEnis / plan.Vpcs.Count + (i < instanceEnis % plan.Vpcs.Count ? 1 : 0));

        AddPeerings(plan);
        foreach (var region in plan.Regions) LayOutTransitGateway(plan, region);
        return plan;
    }

    private Prefix OnPremPrefix(int length)
    {
        var block = OnPremBlocks[_rng.Next(OnPremBlocks.Length)];
        uint slots = 1u << (length - block.Length);
        return new Prefix(block.Network + ((uint)_rng.NextInt64(slots) << (32 - length)), length);
    }

    private void LayOutVpc(EstatePlan plan, PlanVpc vpc)
    {
        var region = vpc.Region;
        bool twoAz = _rng.NextDouble() < _spec.TwoAzAttachmentShare;
        for (int az = 0; az < 3; az++)
            vpc.WorkloadSubnets.Add(new PlanSubnet { Id = Id("subnet"), Name = $"{vpc.Name}-workload-{region.Az(az)[^1]}", Cidr = new Prefix(vpc.Cidr.Network + (uint)az * 1024, 22), Az = az });
        for (int az = 0; az < (twoAz ? 2 : 3); az++)
            vpc.AttachmentSubnets.Add(new PlanSubnet { Id = Id("subnet"), Name = $"{vpc.Name}-tgw-{region.Az(az)[^1]}", Cidr = new Prefix(vpc.Cidr.Network + 3072 + (uint)az * 16, 28), Az = az });
        vpc.Blackholed = _rng.NextDouble() < _spec.BlackholedVpcShare;

        // Route tables: main (local only), workload (to the TGW, S3 endpoint, peers), attachment subnets.
        var main = new PlanRouteTable { Id = Id("rtb"), Name = $"{vpc.Name}-main", Main = true };
        main.Routes.Add(new PlanRoute(vpc.Cidr.ToString(), false, "GatewayId", "local", "CreateRouteTable"));
        var workload = new PlanRouteTable { Id = Id("rtb"), Name = $"{vpc.Name}-workload" };
        workload.Routes.Add(new PlanRoute(vpc.Cidr.ToString(), false, "GatewayId", "local", "CreateRouteTable"));
        foreach (var dest in new[] { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" })
            workload.Routes.Add(new PlanRoute(dest, false, "TransitGatewayId", region.TgwId, "CreateRoute"));
        workload.Routes.Add(new PlanRoute(region.S3PrefixListId, true, "GatewayId", vpc.S3EndpointId, "CreateRoute"));
        workload.SubnetIds.AddRange(vpc.WorkloadSubnets.Select(s => s.Id));
        var attach = new PlanRouteTable { Id = Id("rtb"), Name = $"{vpc.Name}-tgw" };
        attach.Routes.Add(new PlanRoute(vpc.Cidr.ToString(), false, "GatewayId", "local", "CreateRouteTable"));
        attach.Routes.Add(new PlanRoute("10.0.0.0/8", false, "TransitGatewayId", region.TgwId, "CreateRoute"));
        attach.SubnetIds.AddRange(vpc.AttachmentSubnets.Select(s => s.Id));
        vpc.RouteTables.AddRange(new[] { main, workload, attach });

        // NACLs: the default (allow all) on the attachment subnets, a long custom list on the workload subnets.
        var defaultAcl = new PlanAcl { Id = Id("acl"), IsDefault = true };
        foreach (var egress in new[] { true, false })
        {
            defaultAcl.Entries.Add(new AclEntry(100, egress, "-1", true, "0.0.0.0/0", null, null, false));
            defaultAcl.Entries.Add(new AclEntry(32767, egress, "-1", false, "0.0.0.0/0", null, null, false));
        }
        defaultAcl.SubnetIds.AddRange(vpc.AttachmentSubnets.Select(s => s.Id));
        var workloadAcl = new PlanAcl { Id = Id("acl"), IsDefault = false };
        FillWorkloadAcl(workloadAcl);
        workloadAcl.SubnetIds.AddRange(vpc.WorkloadSubnets.Select(s => s.Id));
        vpc.Acls.AddRange(new[] { defaultAcl, workloadAcl });

        // Security groups.
        var mgmtList = plan.MgmtPrefixLists[(vpc.Account, region.Spec.Name)];
        var defaultSg = new PlanSecurityGroup { Id = Id("sg"), Name = "default", Description = "default VPC security group" };
        var web = new PlanSecurityGroup { Id = Id("sg"), Name = $"{vpc.Name}-web", Description = "web tier: https and http from the estate" };
        var app = new PlanSecurityGroup { Id = Id("sg"), Name = $"{vpc.Name}-app", Description = "app tier: 8080 from web, https from the estate" };
        var db = new PlanSecurityGroup { Id = Id("sg"), Name = $"{vpc.Name}-db", Description = "database tier: 5432 from app and on-premises" };
        var mgmt = new PlanSecurityGroup { Id = Id("sg"), Name = $"{vpc.Name}-mgmt", Description = "management: ssh and rdp from the corporate list" };
        defaultSg.Ingress.Add(Perm("-1", null, null, groups: new() { defaultSg.Id }));
        defaultSg.Egress.Add(Perm("-1", null, null, cidrs: new() { "0.0.0.0/0" }));

        web.Ingress.Add(Perm("tcp", 443, 443, cidrs: new() { "10.0.0.0/8" }));
        web.Ingress.Add(Perm("tcp", 80, 80, cidrs: new() { "10.0.0.0/8" }));
        web.Ingress.Add(Perm("tcp", 22, 22, prefixLists: new() { mgmtList }));
        web.Ingress.Add(Perm("icmp", -1, -1, cidrs: new() { "10.0.0.0/8" }));
        web.Egress.Add(Perm("-1", null, null, cidrs: new() { "0.0.0.0/0" }));

        app.Ingress.Add(Perm("tcp", 8080, 8080, groups: new() { web.Id }));
        app.Ingress.Add(Perm("tcp", 443, 443, cidrs: new() { "10.0.0.0/8" }));
        app.Ingress.Add(Perm("tcp", 22, 22, prefixLists: new() { mgmtList }));
        app.Egress.Add(Perm("-1", null, null, cidrs: new() { "0.0.0.0/0" }));

        db.Ingress.Add(Perm("tcp", 5432, 5432, groups: new() { app.Id }));
        db.Ingress.Add(Perm("tcp", 5432, 5432, cidrs: new() { "172.16.0.0/12" }));
        db.Ingress.Add(Perm("tcp", 22, 22, prefixLists: new() { mgmtList }));
        db.Egress.Add(Perm("tcp", 443, 443, prefixLists: new() { region.S3PrefixListId }));
        db.Egress.Add(Perm("tcp", 5432, 5432, cidrs: new() { "10.0.0.0/8" }));

        mgmt.Ingress.Add(Perm("tcp", 22, 22, prefixLists: new() { mgmtList }));
        mgmt.Ingress.Add(Perm("tcp", 3389, 3389, prefixLists: new() { mgmtList }));
        mgmt.Egress.Add(Perm("-1", null, null, cidrs: new() { "0.0.0.0/0" }));

        foreach (var g in new[] { web, app, db }) AddFillerPermissions(g);
        vpc.Groups.AddRange(new[] { defaultSg, web, app, db, mgmt });
    }

    private static Permission Perm(string protocol, int? from, int? to, List<string>? cidrs = null, List<string>? prefixLists = null, List<string>? groups = null) =>
        new(protocol, from, to, cidrs ?? new(), prefixLists ?? new(), groups ?? new());

    /// <summary>Partner and on-premises rules: specific ports from specific /24s, several peers per permission.</summary>
    private void AddFillerPermissions(PlanSecurityGroup group)
    {
        int rules = _rng.Next(5, 50);
        while (rules > 0)
        {
            int port = FillerPorts[_rng.Next(FillerPorts.Length)];
            int peers = Math.Min(rules, _rng.Next(1, 6));
            var cidrs = Enumerable.Range(0, peers).Select(_ => OnPremPrefix(_rng.Next(24, 29)).ToString()).Distinct().ToList();
            group.Ingress.Add(Perm(_rng.Next(4) == 0 ? "udp" : "tcp", port, port + (_rng.Next(3) == 0 ? _rng.Next(1, 100) : 0), cidrs: cidrs));
            rules -= peers;
        }
    }

    private void FillWorkloadAcl(PlanAcl acl)
    {
        int total = _rng.Next(_spec.MinNaclRules, _spec.MaxNaclRules + 1);
        bool restricted = _rng.NextDouble() < _spec.RestrictedNaclShare;
        bool narrowReturn = _rng.NextDouble() < _spec.NarrowReturnNaclShare;

        var inbound = new List<AclEntry>();
        var outbound = new List<AclEntry>();
        // Block lists first: deny everything from (to) some on-premises ranges.
        for (int i = _rng.Next(2, 6); i > 0; i--) inbound.Add(E(false, "-1", false, OnPremPrefix(24).ToString()));
        for (int i = _rng.Next(1, 4); i > 0; i--) outbound.Add(E(true, "-1", false, OnPremPrefix(24).ToString()));
        if (restricted) inbound.Add(E(false, "6", false, QuarantinedSources, 443, 443));
        if (narrowReturn)
        {
            outbound.Add(E(true, "6", true, "10.0.0.0/8", 32768, 40000));
            outbound.Add(E(true, "6", false, "10.0.0.0/8", 1024, 65535));
        }
        inbound.Add(E(false, "6", true, "10.0.0.0/8", 443, 443));
        inbound.Add(E(false, "6", true, "10.0.0.0/8", 80, 80));
        inbound.Add(E(false, "6", true, "10.0.0.0/8", 8080, 8080));
        inbound.Add(E(false, "6", true, "10.0.0.0/8", 5432, 5432));
        inbound.Add(E(false, "6", true, "172.16.0.0/12", 22, 22));
        outbound.Add(E(true, "6", true, "0.0.0.0/0", 443, 443));
        outbound.Add(E(true, "-1", true, "10.0.0.0/8"));

        // Trailing rules every list ends with; fillers go between.
        var inboundTail = new List<AclEntry>
        {
            E(false, "6", true, "0.0.0.0/0", 1024, 65535),
            E(false, "17", true, "0.0.0.0/0", 1024, 65535),
            new(0, false, "1", true, "10.0.0.0/8", -1, -1, true),
        };
        var outboundTail = new List<AclEntry> { E(true, "6", true, "0.0.0.0/0", 1024, 65535), E(true, "17", true, "0.0.0.0/0", 1024, 65535) };
        int fixedCount = inbound.Count + outbound.Count + inboundTail.Count + outboundTail.Count + 2;
        for (int i = 0; fixedCount + i < total; i++)
        {
            int port = FillerPorts[_rng.Next(FillerPorts.Length)];
            bool egress = i % 3 == 2;
            (egress ? outbound : inbound).Add(E(egress, _rng.Next(4) == 0 ? "17" : "6", _rng.Next(5) != 0, OnPremPrefix(_rng.Next(22, 29)).ToString(), port, port));
        }
        inbound.AddRange(inboundTail);
        outbound.AddRange(outboundTail);
        foreach (var list in new[] { inbound, outbound })
            for (int i = 0; i < list.Count; i++)
                acl.Entries.Add(list[i] with { RuleNumber = (i + 1) * 10 });
        acl.Entries.Add(new AclEntry(32767, false, "-1", false, "0.0.0.0/0", null, null, false));
        acl.Entries.Add(new AclEntry(32767, true, "-1", false, "0.0.0.0/0", null, null, false));
    }

    private static AclEntry E(bool egress, string protocol, bool allow, string cidr, int? from = null, int? to = null) =>
        new(0, egress, protocol, allow, cidr, from, to, false);

    private void AddInstances(PlanVpc vpc, int eniTarget)
    {
        int enis = 0, n = 0;
        var perAz = new int[3];
        var groups = vpc.Groups;
        while (enis < eniTarget)
        {
            int az = n % 3;
            var subnet = vpc.WorkloadSubnets[az];
            double t = _rng.NextDouble();
            var tier = t < _spec.DatabaseTierShare ? Tier.Database : t < (1 + _spec.DatabaseTierShare) / 2 ? Tier.Web : Tier.App;
            var sgs = new List<PlanSecurityGroup> { groups[tier switch { Tier.Web => 1, Tier.App => 2, _ => 3 }] };
            if (_rng.NextDouble() < 0.3) sgs.Add(groups[4]);
            bool twoEnis = _rng.NextDouble() < 0.1 && enis + 2 <= eniTarget;
            var instance = new PlanInstance
            {
                Id = Id("i"), Name = $"{vpc.Name}-{tier.ToString().ToLowerInvariant()}-{n:D3}", Subnet = subnet, Windows = _rng.NextDouble() < 0.1,
            };
            uint ip = subnet.Cidr.Network + 10 + (uint)perAz[az] * 2;
            perAz[az]++;
            for (int d = 0; d < (twoEnis ? 2 : 1); d++)
            {
                var eni = new PlanEni
                {
                    Id = Id("eni"), Subnet = subnet, Ip = ip + (uint)d, Groups = sgs, InstanceId = instance.Id, DeviceIndex = d, Mac = Mac(),
                };
                instance.Enis.Add(eni);
                vpc.Enis.Add(eni);
                enis++;
            }
            vpc.Instances.Add(instance);
            n++;
        }
        foreach (var subnet in vpc.AttachmentSubnets)
            vpc.Enis.Add(new PlanEni { Id = Id("eni"), Subnet = subnet, Ip = subnet.Cidr.Network + 4 + (uint)_rng.Next(0, 10), Groups = new(), TgwAttachmentId = vpc.TgwAttachmentId, Mac = Mac() });
    }

    private string Mac() => string.Join(":", Enumerable.Range(0, 6).Select(i => (i == 0 ? 0x0a : _rng.Next(256)).ToString("x2", CultureInfo.InvariantCulture)));

    private void AddPeerings(EstatePlan plan)
    {
        foreach (var region in plan.Regions)
            for (int i = 0; i + 1 < region.Vpcs.Count; i++)
            {
                if (_rng.NextDouble() >= _spec.PeeredVpcShare / 2) continue;
                var a = region.Vpcs[i];
                var b = region.Vpcs[i + 1];
                var peering = new PlanPeering(Id("pcx"), a, b);
                plan.Peerings.Add(peering);
                a.WorkloadRouteTable.Routes.Add(new PlanRoute(b.Cidr.ToString(), false, "VpcPeeringConnectionId", peering.Id, "CreateRoute"));
                b.WorkloadRouteTable.Routes.Add(new PlanRoute(a.Cidr.ToString(), false, "VpcPeeringConnectionId", peering.Id, "CreateRoute"));
                i++;
            }
    }

    private void LayOutTransitGateway(EstatePlan plan, PlanRegion region)
    {
        var spoke = new PlanTgwRouteTable { Id = Id("tgw-rtb"), Name = $"{region.Spec.Name}-spokes", DefaultAssociation = true };
        var edge = new PlanTgwRouteTable { Id = Id("tgw-rtb"), Name = $"{region.Spec.Name}-edge" };
        region.TgwRouteTables.Add(spoke);
        region.TgwRouteTables.Add(edge);
        spoke.Propagations.AddRange(region.Vpcs);
        edge.Propagations.AddRange(region.Vpcs);

        var vpn = new PlanTgwAttachment(Id("tgw-attach"), "vpn", Id("vpn"), plan.NetworkAccount, edge.Id, $"{region.Spec.Name}-datacenter-vpn");
        region.OtherAttachments.Add(vpn);

        // TGW peering: the first region peers with each other one. Both sides list the attachment with their own TGW and
        // associate it with their spoke table, so what arrives over it is routed like spoke traffic (R-TGW-14, R-TGW-18);
        // static routes send other regions' blocks over it (the first region transits between the others).
        if (region.Index > 0)
        {
            var primary = plan.Regions[0];
            var id = Id("tgw-attach");
            plan.TgwPeerings.Add(new PlanTgwPeering(id, primary, region));
            primary.OtherAttachments.Add(new PlanTgwAttachment(id, "peering", region.TgwId, plan.NetworkAccount, primary.TgwRouteTables[0].Id, $"{primary.Spec.Name}-to-{region.Spec.Name}"));
            region.OtherAttachments.Add(new PlanTgwAttachment(id, "peering", primary.TgwId, plan.NetworkAccount, spoke.Id, $"{region.Spec.Name}-to-{primary.Spec.Name}"));
            primary.TgwRouteTables[0].StaticRoutes.Add(new PlanTgwRoute(region.Block.ToString(), id, region.TgwId, "peering", false));
            foreach (var other in plan.Regions.Where(o => o != region))
                spoke.StaticRoutes.Add(new PlanTgwRoute(other.Block.ToString(), id, primary.TgwId, "peering", false));
        }

        foreach (var vpc in region.Vpcs.Where(v => v.Blackholed))
            spoke.StaticRoutes.Add(new PlanTgwRoute(vpc.WorkloadSubnets[2].Cidr.ToString(), null, null, null, true));

        int target = region.Index == 0 ? _spec.PrimaryTgwRoutes : _spec.OtherTgwRoutes;
        // Regions laid out later add their peering route to the primary table; leave room for them.
        int reserved = region.Index == 0 ? plan.Regions.Count - 1 : 0;
        int onPrem = target - region.Vpcs.Count - spoke.StaticRoutes.Count - reserved;
        var seen = new HashSet<Prefix>();
        while (onPrem > 0)
        {
            var prefix = OnPremPrefix(OnPremLengths[_rng.Next(OnPremLengths.Length)]);
            if (!seen.Add(prefix)) continue;
            spoke.StaticRoutes.Add(new PlanTgwRoute(prefix.ToString(), vpn.Id, vpn.ResourceId, "vpn", false));
            onPrem--;
        }
    }
}
