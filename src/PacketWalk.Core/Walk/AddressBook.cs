using System.Collections.Frozen;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>A public IPv4 address and the private address of the interface it is mapped to one-to-one (R-IGW-2).</summary>
public sealed record PublicAddressMapping(IpAddress PublicIp, IpAddress PrivateIp, NetworkInterface Interface);

/// <summary>
/// The lookups the gateways need and the network model does not index: public IPv4 addresses (an ENI's auto-assigned
/// public IP, Elastic IPs, NAT gateway EIPs) in both directions, which gateway is attached to a VPC, and which NAT
/// gateway or VPC endpoint an ENI belongs to. Built once per walker from the immutable model.
/// </summary>
public sealed class AddressBook
{
    private readonly FrozenDictionary<IpAddress, PublicAddressMapping> _byPublic;
    private readonly FrozenDictionary<(string EniId, IpAddress Private), IpAddress> _publicOf;
    private readonly FrozenDictionary<string, NatGateway> _natByEni;
    private readonly FrozenDictionary<string, VpcEndpoint> _endpointByEni;
    private readonly FrozenDictionary<string, InternetGateway> _igwByVpc;
    private readonly FrozenDictionary<string, EgressOnlyInternetGateway> _eigwByVpc;

    public AddressBook(NetworkModel model)
    {
        var byPublic = new Dictionary<IpAddress, PublicAddressMapping>();
        void Map(IpAddress? publicIp, IpAddress? privateIp, string? eniId)
        {
            if (publicIp is not { } pub || privateIp is not { } priv || eniId is null) return;
            if (!model.NetworkInterfaces.TryGetValue(eniId, out var eni)) return;
            byPublic.TryAdd(pub, new PublicAddressMapping(pub, priv, eni));
        }
        foreach (var eni in model.NetworkInterfaces.Values.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal))
            Map(eni.PublicIp, eni.PrimaryPrivateIp, eni.NetworkInterfaceId);
        foreach (var eip in model.ElasticIps)
        {
            var eniId = eip.NetworkInterfaceId
                ?? (eip.InstanceId is { } i ? model.NetworkInterfacesOfInstance(i).FirstOrDefault()?.NetworkInterfaceId : null);
            var privateIp = eip.PrivateIp ?? (eniId is not null && model.NetworkInterfaces.TryGetValue(eniId, out var e) ? e.PrimaryPrivateIp : null);
            Map(eip.PublicIp, privateIp, eniId);
        }
        var natByEni = new Dictionary<string, NatGateway>(StringComparer.Ordinal);
        foreach (var nat in model.NatGateways.Values.OrderBy(n => n.NatGatewayId, StringComparer.Ordinal))
            foreach (var a in nat.Addresses)
            {
                Map(a.PublicIp, a.PrivateIp, a.NetworkInterfaceId);
                if (a.NetworkInterfaceId is { } id) natByEni.TryAdd(id, nat);
            }
        _byPublic = byPublic.ToFrozenDictionary();
        _publicOf = byPublic.Values.GroupBy(m => (m.Interface.NetworkInterfaceId, m.PrivateIp))
            .ToFrozenDictionary(g => g.Key, g => g.First().PublicIp);
        _natByEni = natByEni.ToFrozenDictionary(StringComparer.Ordinal);

        var endpointByEni = new Dictionary<string, VpcEndpoint>(StringComparer.Ordinal);
        foreach (var vpce in model.VpcEndpoints.Values.OrderBy(v => v.VpcEndpointId, StringComparer.Ordinal))
            foreach (var id in vpce.NetworkInterfaceIds) endpointByEni.TryAdd(id, vpce);
        _endpointByEni = endpointByEni.ToFrozenDictionary(StringComparer.Ordinal);

        var igwByVpc = new Dictionary<string, InternetGateway>(StringComparer.Ordinal);
        foreach (var igw in model.InternetGateways.Values.OrderBy(g => g.InternetGatewayId, StringComparer.Ordinal))
            foreach (var vpc in igw.AttachedVpcIds) igwByVpc.TryAdd(vpc, igw);
        _igwByVpc = igwByVpc.ToFrozenDictionary(StringComparer.Ordinal);
        var eigwByVpc = new Dictionary<string, EgressOnlyInternetGateway>(StringComparer.Ordinal);
        foreach (var eigw in model.EgressOnlyInternetGateways.Values.OrderBy(g => g.EgressOnlyInternetGatewayId, StringComparer.Ordinal))
            foreach (var vpc in eigw.AttachedVpcIds) eigwByVpc.TryAdd(vpc, eigw);
        _eigwByVpc = eigwByVpc.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The interface and private address a public IPv4 address is mapped to, if the estate holds it.</summary>
    public PublicAddressMapping? ByPublicIp(IpAddress publicIp) => _byPublic.TryGetValue(publicIp, out var m) ? m : null;

    /// <summary>The public IPv4 address mapped to one private address of an interface (R-IGW-1/2).</summary>
    public IpAddress? PublicIpOf(NetworkInterface eni, IpAddress privateIp) =>
        _publicOf.TryGetValue((eni.NetworkInterfaceId, privateIp), out var p) ? p : null;

    public NatGateway? NatGatewayOf(NetworkInterface eni) => _natByEni.TryGetValue(eni.NetworkInterfaceId, out var n) ? n : null;

    public VpcEndpoint? VpcEndpointOf(NetworkInterface eni) => _endpointByEni.TryGetValue(eni.NetworkInterfaceId, out var v) ? v : null;

    public InternetGateway? InternetGatewayOfVpc(string vpcId) => _igwByVpc.TryGetValue(vpcId, out var g) ? g : null;

    public EgressOnlyInternetGateway? EgressOnlyGatewayOfVpc(string vpcId) => _eigwByVpc.TryGetValue(vpcId, out var g) ? g : null;
}
