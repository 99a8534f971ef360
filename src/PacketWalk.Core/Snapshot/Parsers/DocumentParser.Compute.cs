using System.Runtime.CompilerServices;
using System.Text.Json;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Snapshot.Parsers;

// Instances, reservations and network interfaces.
internal sealed partial class DocumentParser
{
    /// <summary>Instances skipped because they are not running, counted by state, for one warning per list.</summary>
    private readonly SortedDictionary<string, int> _skipped = new(StringComparer.Ordinal);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReportSkippedInstances(JsonPath path)
    {
        if (_skipped.Count == 0) return;
        var total = _skipped.Values.Sum();
        Warn($"{total} instance{(total == 1 ? "" : "s")} not running skipped ({string.Join(", ", _skipped.Select(kv => $"{kv.Key}: {kv.Value}"))})", path.ToString());
        _skipped.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseReservation(JsonElement reservation, JsonPath path)
    {
        var owner = Str(reservation, path, "OwnerId");
        foreach (var (el, p) in Objects(reservation, path, "Instances"))
            ParseInstance(el, p, owner);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseInstanceElement(JsonElement instance, JsonPath path) => ParseInstance(instance, path, null);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseInstance(JsonElement o, JsonPath path, string? reservationOwner)
    {
        var id = ReqStr(o, path, "InstanceId");
        string? state = null;
        if (TryObject(o, path, "State", out var stateObj, out var statePath)) state = Str(stateObj, statePath, "Name");
        if (state is not null && state != "running")
        {
            // Terminated instances linger in describe-instances for an hour: drop them quietly. Others are worth a word.
            if (state != "terminated") _skipped[state] = _skipped.GetValueOrDefault(state) + 1;
            return;
        }

        path = path.ToString(); // as text once: the origin and the nested lists below need it
        var subnetId = Str(o, path, "SubnetId");
        var vpcId = Str(o, path, "VpcId");
        var privateIp = Str(o, path, "PrivateIpAddress");
        if (privateIp is not null && !IpAddress.TryParse(privateIp, out _))
            throw Invalid(Child(path, "PrivateIpAddress"), $"'{Shorten(privateIp)}' is not an IPv4 or IPv6 address");
        string? az = null;
        if (TryObject(o, path, "Placement", out var placement, out var placementPath)) az = Str(placement, placementPath, "AvailabilityZone");
        var owner = Str(o, path, "OwnerId") ?? reservationOwner;
        var origin = Origin(path, owner);

        var enis = new List<(int Index, string Id)>();
        foreach (var (el, p) in Objects(o, path, "NetworkInterfaces"))
        {
            if (_state.ListedNetworkInterfaceIds is { } listed && ReqStr(el, p, "NetworkInterfaceId") is var eniId && listed.Contains(eniId))
            {
                // The describe-network-interfaces entry wins (SnapshotReaderState.Complete): only the order matters here.
                enis.Add((EmbeddedDeviceIndex(el, p) ?? int.MaxValue, eniId));
                continue;
            }
            var eni = ParseNetworkInterface(el, p, new EniDefaults(subnetId, vpcId, az, id, owner));
            enis.Add((eni.DeviceIndex ?? int.MaxValue, eni.NetworkInterfaceId));
            _state.EmbeddedNetworkInterfaces.Add(eni);
        }
        var eniIds = enis.Count <= 1 ? enis.Select(e => e.Id).ToList()
            : enis.OrderBy(e => e.Index).Select(e => e.Id).ToList(); // OrderBy is stable: ties keep file order

        _b.Instances.Add(new Instance(id, subnetId, vpcId, privateIp, Str(o, path, "Platform"), state, az, eniIds, origin)
        {
            Name = NameTag(o, path),
        });
    }

    /// <summary>The device index of an ENI embedded in describe-instances (its place among the instance's ENIs).</summary>
    private int? EmbeddedDeviceIndex(JsonElement eni, JsonPath path) =>
        TryObject(eni, path, "Attachment", out var attachment, out var attachmentPath) ? Int(attachment, attachmentPath, "DeviceIndex") : null;

    /// <summary>What an ENI embedded in describe-instances inherits from its instance.</summary>
    private sealed record EniDefaults(string? SubnetId, string? VpcId, string? AvailabilityZone, string? InstanceId, string? OwnerId);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private NetworkInterface ParseNetworkInterface(JsonElement o, JsonPath path, EniDefaults? defaults)
    {
        path = path.ToString(); // as text once: the origin and the nested lists below need it
        var id = ReqStr(o, path, "NetworkInterfaceId");
        var subnetId = Str(o, path, "SubnetId") ?? defaults?.SubnetId;
        if (string.IsNullOrEmpty(subnetId)) throw Missing(path, "SubnetId");
        var vpcId = Str(o, path, "VpcId") ?? defaults?.VpcId;
        if (string.IsNullOrEmpty(vpcId)) throw Missing(path, "VpcId");
        var az = Str(o, path, "AvailabilityZone") ?? defaults?.AvailabilityZone ?? "";

        // Private IPv4 addresses; each may carry its own public IP association.
        IpAddress? primary = null;
        IpAddress? publicIp = null;
        var privateIps = new List<IpAddress>(2);
        foreach (var (el, p) in Objects(o, path, "PrivateIpAddresses"))
        {
            if (IpOpt(el, p, "PrivateIpAddress") is not { } ip) continue;
            if (!privateIps.Contains(ip)) privateIps.Add(ip);
            bool isPrimary = Bool(el, p, "Primary") ?? false;
            if (isPrimary && primary is null) primary = ip;
            if (isPrimary && TryObject(el, p, "Association", out var assoc, out var assocPath))
                publicIp ??= IpOpt(assoc, assocPath, "PublicIp");
        }
        if (IpOpt(o, path, "PrivateIpAddress") is { } topIp)
        {
            primary ??= topIp;
            if (!privateIps.Contains(topIp)) privateIps.Insert(0, topIp);
        }
        primary ??= privateIps.Count > 0 ? privateIps[0] : null;
        if (TryObject(o, path, "Association", out var association, out var associationPath))
            publicIp = IpOpt(association, associationPath, "PublicIp") ?? publicIp;

        var ipv6 = new List<IpAddress>(0);
        foreach (var (el, p) in Objects(o, path, "Ipv6Addresses"))
            if (IpOpt(el, p, "Ipv6Address") is { } ip && !ipv6.Contains(ip)) ipv6.Add(ip);

        string? instanceId = defaults?.InstanceId;
        int? deviceIndex = null;
        if (TryObject(o, path, "Attachment", out var attachment, out var attachmentPath))
        {
            instanceId = Str(attachment, attachmentPath, "InstanceId") ?? instanceId;
            deviceIndex = Int(attachment, attachmentPath, "DeviceIndex");
        }

        var owner = Owner(Str(o, path, "OwnerId") ?? defaults?.OwnerId);
        return new NetworkInterface(
            id, subnetId, vpcId, az, primary, privateIps, ipv6,
            FieldOfEach(o, path, "Groups", "GroupId"),
            Bool(o, path, "SourceDestCheck") ?? true,
            Str(o, path, "InterfaceType") ?? "interface",
            Str(o, path, "Description"),
            instanceId, deviceIndex,
            Bool(o, path, "RequesterManaged") ?? false,
            Str(o, path, "Status"),
            publicIp, owner, Origin(path, owner));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseAddress(JsonElement o, JsonPath path)
    {
        var publicIp = IpOpt(o, path, "PublicIp");
        if (publicIp is null)
        {
            if (TryGet(o, "CarrierIp", out _)) return; // Wavelength carrier address: no public IP to model
            throw Missing(path, "PublicIp");
        }
        _b.ElasticIps.Add(new ElasticIpAddress(
            Str(o, path, "AllocationId"), publicIp.Value, IpOpt(o, path, "PrivateIpAddress"),
            Str(o, path, "NetworkInterfaceId"), Str(o, path, "InstanceId"), Origin(path, null)));
    }
}
