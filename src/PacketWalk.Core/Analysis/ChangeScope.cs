using System.Collections;
using System.Collections.ObjectModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Analysis;

/// <summary>
/// What differs between two models, as the set of resource ids a walk would have to consult to see the difference.
/// A flow whose walk on the reference model consulted none of them walks the same on the other model, so it need not
/// be walked again. Resource kinds without a precise mapping make every flow suspect (<see cref="Everything"/>).
/// </summary>
public sealed class ChangeScope
{
    /// <summary>True when something changed whose effect on walks is not mapped to ids: every flow is walked on both models.</summary>
    public bool Everything { get; private init; }
    /// <summary>Changed resources, as "Kind id" (added, removed or different).</summary>
    public IReadOnlyList<string> ChangedResources { get; private init; } = Array.Empty<string>();
    /// <summary>Ids that, when a walk's hops name one, mean the walk may differ.</summary>
    public IReadOnlySet<string> Keys { get; private init; } = new HashSet<string>();

    public static ChangeScope Between(NetworkModel reference, NetworkModel difference)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var changed = new List<string>();
        bool everything = false;
        foreach (var property in DictionaryProperties)
        {
            var a = (IDictionary)property.GetValue(reference)!;
            var b = (IDictionary)property.GetValue(difference)!;
            foreach (var id in a.Keys.Cast<string>().Union(b.Keys.Cast<string>(), StringComparer.Ordinal).OrderBy(x => x, StringComparer.Ordinal))
            {
                var va = a.Contains(id) ? a[id] : null;
                var vb = b.Contains(id) ? b[id] : null;
                if (va is not null && vb is not null && Canonical(va) == Canonical(vb)) continue;
                changed.Add($"{property.Name} {id}");
                if (!AddKeys(property.Name, id, reference, difference, keys)) everything = true;
            }
        }
        // A TGW peering attachment has one id and a side on each TGW (R-TGW-18); the id-keyed map keeps one side, so both
        // sides are compared here, each under its TGW.
        var sidesA = reference.ToBuilder().TransitGatewayAttachments.ToDictionary(x => (x.TransitGatewayId, x.TransitGatewayAttachmentId), x => Canonical(x));
        var sidesB = difference.ToBuilder().TransitGatewayAttachments.ToDictionary(x => (x.TransitGatewayId, x.TransitGatewayAttachmentId), x => Canonical(x));
        foreach (var side in sidesA.Keys.Union(sidesB.Keys).OrderBy(k => k.TransitGatewayId, StringComparer.Ordinal).ThenBy(k => k.TransitGatewayAttachmentId, StringComparer.Ordinal))
        {
            if (sidesA.TryGetValue(side, out var x) && sidesB.TryGetValue(side, out var y) && x == y) continue;
            var entry = $"{nameof(NetworkModel.TransitGatewayAttachments)} {side.TransitGatewayAttachmentId}";
            if (!changed.Contains(entry)) changed.Add(entry);
            keys.Add(side.TransitGatewayId);
            foreach (var m in new[] { reference, difference })
                if (m.TransitGatewayAttachmentOn(side.TransitGatewayId, side.TransitGatewayAttachmentId) is { } att)
                {
                    if (att.AssociatedRouteTableId is { } rt) keys.Add(rt);
                    if (att.ResourceId is { } r) keys.Add(r);
                }
            AddKeys(nameof(NetworkModel.TransitGatewayAttachments), side.TransitGatewayAttachmentId, reference, difference, keys);
        }
        // Elastic IPs are a list, not keyed: any change there is not mapped.
        if (Canonical(reference.ElasticIps) != Canonical(difference.ElasticIps)) { changed.Add("Addresses"); everything = true; }
        // Block Public Access settings (one per account and region) and policy-table associations are lists too.
        if (Canonical(reference.VpcBlockPublicAccessOptions) != Canonical(difference.VpcBlockPublicAccessOptions)) { changed.Add("VpcBlockPublicAccessOptions"); everything = true; }
        if (Canonical(reference.TransitGatewayPolicyTableAssociations) != Canonical(difference.TransitGatewayPolicyTableAssociations))
        {
            changed.Add("TransitGatewayPolicyTableAssociations");
            // An association decides at the attachment it names, on the TGW the attachment belongs to.
            foreach (var m in new[] { reference, difference })
                foreach (var assoc in m.TransitGatewayPolicyTableAssociations)
                {
                    keys.Add(assoc.TransitGatewayAttachmentId);
                    keys.Add(assoc.TransitGatewayPolicyTableId);
                    if (m.TransitGatewayAttachments.TryGetValue(assoc.TransitGatewayAttachmentId, out var att)) keys.Add(att.TransitGatewayId);
                }
        }
        return new ChangeScope { Everything = everything, ChangedResources = changed, Keys = keys };
    }

    /// <summary>True when the walk may differ on the other model: it named a changed resource (or nothing is mapped).</summary>
    public bool Touches(PacketPathResult walk, IEnumerable<string> endpointIds)
    {
        if (Everything) return true;
        foreach (var id in endpointIds) if (Keys.Contains(id)) return true;
        foreach (var hop in walk.Hops)
            foreach (var id in HopIds(hop))
                if (Keys.Contains(id)) return true;
        return false;
    }

    private static IEnumerable<string> HopIds(PacketHop hop)
    {
        foreach (var getter in HopIdGetters)
        {
            var value = getter(hop);
            if (value is null) continue;
            // GroupId lists every group of an interface on stateful-return hops ("sg-a,sg-b").
            if (value.Contains(',')) { foreach (var part in value.Split(',')) yield return part; }
            else yield return value;
        }
    }

    private static readonly Func<PacketHop, string?>[] HopIdGetters = typeof(PacketHop).GetProperties()
        .Where(p => p.PropertyType == typeof(string) && (p.Name == nameof(PacketHop.Component) || p.Name.EndsWith("Id", StringComparison.Ordinal)) && p.Name != nameof(PacketHop.OwnerId))
        // Bound to the getters once: a review checks every hop of every flow.
        .Select(p => (Func<PacketHop, string?>)Delegate.CreateDelegate(typeof(Func<PacketHop, string?>), p.GetMethod!))
        .ToArray();

    /// <summary>
    /// The ids a change to one resource can show up under in a walk's hops. Returns false for kinds whose effect is not
    /// mapped (VPC CIDRs feed TGW propagation, prefix lists feed rules and routes, gateways and endpoints, kinds added later).
    /// </summary>
    private static bool AddKeys(string kind, string id, NetworkModel a, NetworkModel b, HashSet<string> keys)
    {
        keys.Add(id);
        switch (kind)
        {
            case nameof(NetworkModel.SecurityGroups):
                // The group's rules are read for every interface that carries it.
                foreach (var m in new[] { a, b }) foreach (var eni in m.NetworkInterfacesInGroup(id)) keys.Add(eni.NetworkInterfaceId);
                return true;
            case nameof(NetworkModel.NetworkInterfaces):
                // Addresses resolve endpoints and local delivery anywhere in the VPC; groups feed references.
                foreach (var m in new[] { a, b })
                    if (m.NetworkInterfaces.TryGetValue(id, out var e)) { keys.Add(e.SubnetId); keys.Add(e.VpcId); if (e.InstanceId is { } i) keys.Add(i); }
                return true;
            case nameof(NetworkModel.Instances):
                return true;
            case nameof(NetworkModel.NetworkAcls):
                foreach (var m in new[] { a, b })
                    if (m.NetworkAcls.TryGetValue(id, out var acl))
                    {
                        foreach (var s in acl.AssociatedSubnetIds) keys.Add(s);
                        if (acl.IsDefault) keys.Add(acl.VpcId);
                    }
                return true;
            case nameof(NetworkModel.RouteTables):
                foreach (var m in new[] { a, b })
                    if (m.RouteTables.TryGetValue(id, out var rt))
                    {
                        foreach (var assoc in rt.Associations)
                        {
                            if (assoc.SubnetId is { } s) keys.Add(s);
                            if (assoc.GatewayId is { } g) keys.Add(g);
                            if (assoc.Main) keys.Add(rt.VpcId);
                        }
                    }
                return true;
            case nameof(NetworkModel.Subnets):
                foreach (var m in new[] { a, b }) if (m.Subnets.TryGetValue(id, out var s)) keys.Add(s.VpcId);
                return true;
            case nameof(NetworkModel.TransitGateways):
            case nameof(NetworkModel.TransitGatewayRouteTables):
            case nameof(NetworkModel.TransitGatewayRoutes):
            case nameof(NetworkModel.TransitGatewayPropagations):
                return true;
            case nameof(NetworkModel.TransitGatewayAttachments):
                foreach (var m in new[] { a, b })
                    if (m.TransitGatewayAttachments.TryGetValue(id, out var att))
                    {
                        keys.Add(att.TransitGatewayId);
                        if (att.AssociatedRouteTableId is { } rt) keys.Add(rt);
                        if (att.ResourceId is { } r) keys.Add(r);
                    }
                return true;
            case nameof(NetworkModel.TransitGatewayVpcAttachments):
                foreach (var m in new[] { a, b })
                    if (m.TransitGatewayVpcAttachments.TryGetValue(id, out var va))
                    {
                        keys.Add(va.TransitGatewayId);
                        keys.Add(va.VpcId);
                        foreach (var s in va.SubnetIds) keys.Add(s);
                    }
                return true;
            case nameof(NetworkModel.TransitGatewayPolicyTables):
            case nameof(NetworkModel.TransitGatewayPolicyTableEntries):
                // Policy hops carry the table id (R-TGW-22).
                return true;
            case nameof(NetworkModel.VpcBlockPublicAccessExclusions):
                // Gateway hops carry the VPC; the exclusion names a VPC or a subnet (R-BPA-3).
                foreach (var m in new[] { a, b })
                    if (m.VpcBlockPublicAccessExclusions.TryGetValue(id, out var ex))
                    {
                        if (ex.VpcId is { } v) keys.Add(v);
                        if (ex.SubnetId is { } sub) { keys.Add(sub); if (m.Subnets.TryGetValue(sub, out var sn)) keys.Add(sn.VpcId); }
                    }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Every id-keyed resource map of the model (found by reflection, so kinds added later are compared too).</summary>
    private static readonly PropertyInfo[] DictionaryProperties = typeof(NetworkModel).GetProperties()
        .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(ReadOnlyDictionary<,>)
                    && p.PropertyType.GetGenericArguments()[0] == typeof(string))
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>A resource as JSON without where it was read from (Origin) or its display name: two reads of one estate compare equal.</summary>
    private static string Canonical(object value)
    {
        var node = JsonSerializer.SerializeToNode(value, value.GetType());
        Strip(node);
        return node?.ToJsonString() ?? "null";
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove(nameof(Vpc.Name));
                // ResourceOrigin (file, JSON path) is an object; a route's Origin (CreateRoute, EnableVgwRoutePropagation) is a string that matters.
                if (o[nameof(Vpc.Origin)] is JsonObject) o.Remove(nameof(Vpc.Origin));
                foreach (var (_, child) in o) Strip(child);
                break;
            case JsonArray array:
                foreach (var child in array) Strip(child);
                break;
        }
    }
}
