using System.Collections;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.PowerShell;

/// <summary>
/// Tab completion of AWS ids from the current snapshot: the -Snapshot value already on the command line (an object from
/// Import-PacketWalkSnapshot, or a folder, read once and cached), else the snapshot Import-PacketWalkSnapshot read last.
/// Local files only, never a network call; a snapshot that cannot be read completes nothing. Typing the start of a
/// Name tag finds the id too ("HOST<Tab>" offers the instances named HOST-…).
/// </summary>
public abstract class SnapshotIdCompleter : IArgumentCompleter
{
    /// <summary>A candidate: the id to insert, the Name tag (or other hint) shown beside it, and the tooltip.</summary>
    protected sealed record Candidate(string Id, string? Name, string Tooltip);

    protected abstract IEnumerable<Candidate> Candidates(NetworkModel model);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        NetworkModel? model;
        try { model = SnapshotForCompletion(fakeBoundParameters)?.Model; }
        catch (Exception) { return Array.Empty<CompletionResult>(); }   // completion must never throw at the prompt
        if (model is null) return Array.Empty<CompletionResult>();

        var word = (wordToComplete ?? "").Trim('\'', '"');
        return Candidates(model)
            .Where(c => c.Id.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                        || (c.Name is not null && c.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new CompletionResult(c.Id, c.Name is null ? c.Id : $"{c.Id} ({c.Name})", CompletionResultType.ParameterValue, c.Tooltip))
            .ToList();
    }

    private static readonly ConcurrentDictionary<string, (DateTime Stamp, PacketWalkSnapshot Snapshot)> PathCache = new(StringComparer.Ordinal);

    /// <summary>The snapshot the command line names, or the last imported one.</summary>
    internal static PacketWalkSnapshot? SnapshotForCompletion(IDictionary? fakeBoundParameters)
    {
        object? bound = null;
        if (fakeBoundParameters is not null)
            foreach (DictionaryEntry e in fakeBoundParameters)
                if (e.Key is string k && string.Equals(k, "Snapshot", StringComparison.OrdinalIgnoreCase)) bound = e.Value;
        switch (SnapshotTransformationAttribute.Normalize(bound))
        {
            case PacketWalkSnapshot snapshot:
                return snapshot;
            case string[] paths when paths.Length > 0:
                return LoadForCompletion(paths);
            default:
                return SnapshotRegistry.LastImported;
        }
    }

    private static PacketWalkSnapshot? LoadForCompletion(string[] paths)
    {
        var location = CurrentFileSystemLocation() ?? Environment.CurrentDirectory;
        var full = paths.Select(p => Path.GetFullPath(p.StartsWith('~') ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), p.TrimStart('~', '/', '\\')) : p, location)).ToList();
        if (!full.All(p => Directory.Exists(p) || File.Exists(p))) return null;
        var key = string.Join("\n", full);
        // Re-read when a folder or file changed since it was cached.
        var stamp = full.Select(p => Directory.Exists(p) ? Directory.GetLastWriteTimeUtc(p) : File.GetLastWriteTimeUtc(p)).Max();
        if (PathCache.TryGetValue(key, out var cached) && cached.Stamp == stamp) return cached.Snapshot;
        var snapshot = SnapshotLoader.Load(full, new List<SnapshotWarning>());
        PathCache[key] = (stamp, snapshot);
        return snapshot;
    }

    /// <summary>
    /// The session's current folder (relative -Snapshot paths are relative to it, not to the process). Completion runs
    /// inside a pipeline, where SessionStateProxy refuses calls, so ask through a nested pipeline on the same runspace.
    /// </summary>
    private static string? CurrentFileSystemLocation()
    {
        if (Runspace.DefaultRunspace is null) return null;
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
        return ps.Invoke<PathInfo>().FirstOrDefault()?.ProviderPath;
    }

    protected static string Join(params string?[] parts) => string.Join(" ", parts.Where(p => !string.IsNullOrEmpty(p)));
}

/// <summary>-Source / -Destination: instance ids (by Name tag), ENI ids, and the gateways a walk can start or end at.</summary>
public sealed class EndpointIdCompleter : SnapshotIdCompleter
{
    protected override IEnumerable<Candidate> Candidates(NetworkModel model)
    {
        foreach (var i in model.Instances.Values)
            yield return new Candidate(i.InstanceId, i.Name, Join(i.Name, i.InstanceId, i.PrivateIpAddress, i.SubnetId, i.AvailabilityZone));
        foreach (var e in model.NetworkInterfaces.Values)
        {
            var owner = e.InstanceId is not null && model.Instances.TryGetValue(e.InstanceId, out var i) ? i.Name ?? i.InstanceId : null;
            var hint = owner ?? (e.TransitGatewayAttachmentId is { } a ? a : null);
            yield return new Candidate(e.NetworkInterfaceId, hint, Join(e.NetworkInterfaceId, e.PrimaryPrivateIp?.ToString(), e.SubnetId, e.AvailabilityZone, e.Description));
        }
        foreach (var n in model.NatGateways.Values) yield return new Candidate(n.NatGatewayId, "NAT gateway", Join(n.NatGatewayId, "NAT gateway"));
        foreach (var g in model.InternetGateways.Values) yield return new Candidate(g.InternetGatewayId, "internet gateway", Join(g.InternetGatewayId, string.Join(", ", g.AttachedVpcIds)));
        foreach (var v in model.VpcEndpoints.Values) yield return new Candidate(v.VpcEndpointId, v.ServiceName, Join(v.VpcEndpointId, v.ServiceName));
        foreach (var a in model.TransitGatewayAttachments.Values) yield return new Candidate(a.TransitGatewayAttachmentId, a.ResourceType, Join(a.TransitGatewayAttachmentId, a.ResourceType, a.ResourceId));
        foreach (var g in model.VpnGateways.Values) yield return new Candidate(g.VpnGatewayId, "virtual private gateway", Join(g.VpnGatewayId, "virtual private gateway"));
    }
}

/// <summary>-NetworkAclId: NACL ids, with the subnets they guard.</summary>
public sealed class NetworkAclIdCompleter : SnapshotIdCompleter
{
    protected override IEnumerable<Candidate> Candidates(NetworkModel model) =>
        model.NetworkAcls.Values.Select(a => new Candidate(a.NetworkAclId, null,
            Join(a.NetworkAclId, a.VpcId, a.AssociatedSubnetIds.Count == 0 ? null : "subnets " + string.Join(", ", a.AssociatedSubnetIds))));
}

/// <summary>-RouteTableId: VPC route table ids, with their VPC and associations.</summary>
public sealed class RouteTableIdCompleter : SnapshotIdCompleter
{
    protected override IEnumerable<Candidate> Candidates(NetworkModel model) =>
        model.RouteTables.Values.Select(t => new Candidate(t.RouteTableId, null,
            Join(t.RouteTableId, t.VpcId, t.Associations.Any(a => a.Main) ? "main" : null,
                string.Join(", ", t.Associations.Select(a => a.SubnetId ?? a.GatewayId).Where(s => s is not null)))));
}

/// <summary>-TransitGatewayAttachmentId: attachment ids, with what they attach.</summary>
public sealed class TransitGatewayAttachmentIdCompleter : SnapshotIdCompleter
{
    protected override IEnumerable<Candidate> Candidates(NetworkModel model)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in model.TransitGatewayVpcAttachments.Values)
            if (seen.Add(a.TransitGatewayAttachmentId))
                yield return new Candidate(a.TransitGatewayAttachmentId, a.VpcId, Join(a.TransitGatewayAttachmentId, a.TransitGatewayId, "vpc", a.VpcId));
        foreach (var a in model.TransitGatewayAttachments.Values)
            if (seen.Add(a.TransitGatewayAttachmentId))
                yield return new Candidate(a.TransitGatewayAttachmentId, a.ResourceId, Join(a.TransitGatewayAttachmentId, a.TransitGatewayId, a.ResourceType, a.ResourceId));
    }
}

/// <summary>-VpcId and friends: VPC ids (by Name tag).</summary>
public sealed class VpcIdCompleter : SnapshotIdCompleter
{
    protected override IEnumerable<Candidate> Candidates(NetworkModel model) =>
        model.Vpcs.Values.Select(v => new Candidate(v.VpcId, v.Name, Join(v.Name, v.VpcId, string.Join(", ", v.CidrBlocks))));
}

/// <summary>-AvailabilityZone: the zone names (and zone ids) the snapshot's subnets use.</summary>
public sealed class AvailabilityZoneCompleter : SnapshotIdCompleter
{
    protected override IEnumerable<Candidate> Candidates(NetworkModel model) =>
        model.Subnets.Values.GroupBy(s => s.AvailabilityZone, StringComparer.Ordinal)
            .Select(g => new Candidate(g.Key, g.First().AvailabilityZoneId, Join(g.Key, g.First().AvailabilityZoneId, $"{g.Count()} subnets")));
}
