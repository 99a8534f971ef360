using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Snapshot.Parsers;

/// <summary>
/// Work the snapshot reader can only finish once every file of every path is read: ENIs synthesised from
/// describe-instances (only where no describe-network-interfaces entry exists), prefix-list entries that arrive in a
/// separate file, and duplicates of rows that have no id of their own (TGW routes, propagations, addresses).
/// <see cref="NetworkModelBuilder.Build"/> runs it first.
/// </summary>
internal sealed class SnapshotReaderState
{
    public List<NetworkInterface> EmbeddedNetworkInterfaces { get; } = new();

    /// <summary>
    /// ENIs that describe-network-interfaces output already read lists (set by the parallel reader for instance files):
    /// their copies embedded in describe-instances would lose to them, so the parser reads only their id and device index.
    /// </summary>
    public IReadOnlySet<string>? ListedNetworkInterfaceIds { get; init; }
    public List<(string PrefixListId, List<Cidr> Cidrs, ResourceOrigin Origin)> PrefixListEntries { get; } = new();

    public void Complete(NetworkModelBuilder b)
    {
        // ENIs: a describe-network-interfaces entry always wins over the copy embedded in describe-instances.
        if (EmbeddedNetworkInterfaces.Count > 0)
        {
            var known = new HashSet<string>(b.NetworkInterfaces.Select(e => e.NetworkInterfaceId), StringComparer.Ordinal);
            foreach (var eni in EmbeddedNetworkInterfaces)
                if (known.Add(eni.NetworkInterfaceId))
                    b.NetworkInterfaces.Add(eni);
        }

        MergePrefixLists(b);
        DedupeRows(b.TransitGatewayRoutes, RouteKey);
        DedupeRows(b.TransitGatewayPropagations, p => p);
        DedupeRows(b.TransitGatewayPolicyTableEntries, e => e);
        DedupeRows(b.TransitGatewayPolicyTableAssociations, a => a);
        CheckPolicyRuleNumbers(b);
        DedupeRows(b.ElasticIps, a => (a.AllocationId, a.PublicIp, a.PrivateIp, a.NetworkInterfaceId, a.InstanceId));
        EmbeddedNetworkInterfaces.Clear();
        PrefixListEntries.Clear();
    }

    /// <summary>
    /// describe-prefix-lists (AWS-managed lists with their CIDRs), describe-managed-prefix-lists (name, owner, maybe entries)
    /// and get-managed-prefix-list-entries all describe one list under one id: fold them into one record.
    /// </summary>
    private void MergePrefixLists(NetworkModelBuilder b)
    {
        if (b.PrefixLists.Count == 0 && PrefixListEntries.Count == 0) return;
        var order = new List<string>();
        var merged = new Dictionary<string, (string? Name, string? Owner, List<Cidr> Cidrs, HashSet<Cidr> Seen, ResourceOrigin Origin)>(StringComparer.Ordinal);

        void Add(string id, string? name, string? owner, IEnumerable<Cidr> cidrs, ResourceOrigin origin)
        {
            if (!merged.TryGetValue(id, out var m))
            {
                m = (name, owner, new List<Cidr>(), new HashSet<Cidr>(), origin);
                order.Add(id);
            }
            m.Name ??= name;
            m.Owner ??= owner;
            foreach (var c in cidrs)
                if (m.Seen.Add(c)) m.Cidrs.Add(c);
            merged[id] = m;
        }

        foreach (var p in b.PrefixLists) Add(p.PrefixListId, p.PrefixListName, p.OwnerId, p.Cidrs, p.Origin);
        foreach (var e in PrefixListEntries) Add(e.PrefixListId, null, null, e.Cidrs, e.Origin);

        b.PrefixLists.Clear();
        foreach (var id in order)
        {
            var m = merged[id];
            b.PrefixLists.Add(new PrefixList(id, m.Name, m.Cidrs, m.Owner, m.Origin));
        }
    }

    /// <summary>A rule number is unique within a policy table; two different rules under one number cannot both be AWS's.</summary>
    private static void CheckPolicyRuleNumbers(NetworkModelBuilder b)
    {
        foreach (var clash in b.TransitGatewayPolicyTableEntries.GroupBy(e => (e.TransitGatewayPolicyTableId, e.PolicyRuleNumber)).Where(g => g.Count() > 1))
            throw new SnapshotException(SnapshotErrorIds.DuplicateId,
                $"policy table {clash.Key.TransitGatewayPolicyTableId} has {clash.Count()} different rules numbered {clash.Key.PolicyRuleNumber}: {string.Join(" | ", clash.Select(e => e.Text))}");
    }

    /// <summary>A route's identity: its fields, with the targets (records, equal by value) spelled out only when there are several.</summary>
    private static (string, Cidr?, string?, TgwRouteType, string, TransitGatewayRouteTarget?, string?) RouteKey(TransitGatewayRoute r) =>
        (r.TransitGatewayRouteTableId, r.DestinationCidr, r.PrefixListId, r.Type, r.State,
         r.Targets.Count == 1 ? r.Targets[0] : null,
         r.Targets.Count > 1 ? string.Join(",", r.Targets.Select(t => $"{t.TransitGatewayAttachmentId}/{t.ResourceId}/{t.ResourceType}")) : null);

    private static void DedupeRows<T, TKey>(List<T> rows, Func<T, TKey> key) where TKey : notnull
    {
        if (rows.Count < 2) return;
        var seen = new HashSet<TKey>();
        var kept = new List<T>(rows.Count);
        foreach (var r in rows)
            if (seen.Add(key(r))) kept.Add(r);
        if (kept.Count == rows.Count) return;
        rows.Clear();
        rows.AddRange(kept);
    }
}
