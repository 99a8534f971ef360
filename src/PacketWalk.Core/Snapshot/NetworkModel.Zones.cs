using PacketWalk.Core.Model;

namespace PacketWalk.Core.Snapshot;

// Availability Zones of resources as the walk compares them (R-AZ-1): by AZ id where known. A record without an id
// borrows it from another record the same account named the same way (describe-subnets and describe-nat-gateways give
// both), since within one account a name maps to one zone.
public sealed partial class NetworkModel
{
    private readonly IReadOnlyDictionary<(string? Account, string Name), string> _zoneIdByName;

    /// <summary>
    /// The account whose mapping a record's AZ names are taken to be in: the resource's owner (its OwnerId, else the account
    /// its folder names). A participant's copy of a shared subnet is really named in the participant's mapping; with the
    /// AZ ids describe-subnets gives that never matters, and without them the reader warns when the copies differ.
    /// </summary>
    public static string? NamingAccountOf(ResourceOrigin origin, string? ownerId) => ownerId ?? origin.OwnerId;

    /// <summary>The subnet's AZ: its name, and its AZ id (from the record, or from another record of the same account).</summary>
    public ZoneRef ZoneOf(Subnet subnet) => ZoneOf(subnet, _zoneIdByName);

    /// <summary>An interface is in its subnet's AZ; an interface whose subnet is not in the snapshot keeps its own AZ name.</summary>
    public ZoneRef ZoneOf(NetworkInterface eni) =>
        Subnets.TryGetValue(eni.SubnetId, out var subnet) ? ZoneOf(subnet)
        : Resolve(new ZoneRef(eni.AvailabilityZone, null, NamingAccountOf(eni.Origin, eni.OwnerId)), _zoneIdByName);

    /// <summary>The AZ a regional NAT gateway's address serves (R-NAT-5), named by the gateway's account.</summary>
    public ZoneRef ZoneOf(NatGateway nat, NatGatewayAddress address) =>
        Resolve(new ZoneRef(address.AvailabilityZone ?? "", address.AvailabilityZoneId, NatNamingAccount(nat, Vpcs)), _zoneIdByName);

    /// <summary>A zone a user names (-AvailabilityZone us-east-1b or use1-az2) as <paramref name="namingAccountId"/> sees it.</summary>
    public ZoneRef ZoneNamed(string nameOrId, string? namingAccountId)
    {
        var text = nameOrId.Trim();
        var byId = Subnets.Values.FirstOrDefault(s => string.Equals(s.AvailabilityZoneId, text, StringComparison.OrdinalIgnoreCase));
        if (byId is not null)
        {
            // The name this account gives that id, when one of its records says.
            var name = _zoneIdByName.FirstOrDefault(kv => kv.Key.Account == namingAccountId && string.Equals(kv.Value, byId.AvailabilityZoneId, StringComparison.Ordinal)).Key.Name;
            return new ZoneRef(name ?? "", byId.AvailabilityZoneId, namingAccountId);
        }
        return Resolve(new ZoneRef(text.ToLowerInvariant(), null, namingAccountId), _zoneIdByName);
    }

    /// <summary>describe-nat-gateways carries no OwnerId: the gateway's VPC's owner, else the account its folder names.</summary>
    private static string? NatNamingAccount(NatGateway nat, IReadOnlyDictionary<string, Vpc> vpcs) =>
        NamingAccountOf(nat.Origin, vpcs.TryGetValue(nat.VpcId, out var vpc) ? vpc.OwnerId : null);

    /// <summary>(account, AZ name) -> AZ id, from every record that gives both; a name two records map to different ids is left out.</summary>
    internal static IReadOnlyDictionary<(string? Account, string Name), string> ZoneIdsByName(
        IEnumerable<Subnet> subnets, IEnumerable<NatGateway> natGateways, IReadOnlyDictionary<string, Vpc> vpcs)
    {
        var ids = new Dictionary<(string? Account, string Name), string?>();
        void Learn(string? account, string? name, string? id)
        {
            if (string.IsNullOrEmpty(name) || id is null || name == id) return;
            // Two ids for one name in one account contradict each other: use neither.
            ids[(account, name)] = ids.TryGetValue((account, name), out var known) && known != id ? null : id;
        }
        foreach (var s in subnets) Learn(NamingAccountOf(s.Origin, s.OwnerId), s.AvailabilityZone, s.AvailabilityZoneId);
        foreach (var n in natGateways)
            foreach (var a in n.Addresses) Learn(NatNamingAccount(n, vpcs), a.AvailabilityZone, a.AvailabilityZoneId);
        return ids.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
    }

    internal static ZoneRef ZoneOf(Subnet subnet, IReadOnlyDictionary<(string? Account, string Name), string> idByName) =>
        // The reader fills the name with the id when a subnet has only an id; then the name is not known.
        Resolve(new ZoneRef(subnet.AvailabilityZone == subnet.AvailabilityZoneId ? "" : subnet.AvailabilityZone, subnet.AvailabilityZoneId,
            NamingAccountOf(subnet.Origin, subnet.OwnerId)), idByName);

    private static ZoneRef Resolve(ZoneRef zone, IReadOnlyDictionary<(string? Account, string Name), string> idByName) =>
        zone.Id is null && zone.Name.Length > 0 && idByName.TryGetValue((zone.NamingAccountId, zone.Name), out var id) ? zone with { Id = id } : zone;
}
