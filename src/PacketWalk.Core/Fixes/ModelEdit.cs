using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Fixes;

/// <summary>
/// One structured change to an estate, the in-memory twin of an AWS.Tools command: applied to a
/// <see cref="NetworkModel"/> it gives a new model (the original is never changed), so a fix can be walked before
/// anyone runs it. An edit AWS would refuse (a rule number already taken, a resource that does not exist) throws
/// <see cref="ModelEditException"/>.
/// </summary>
public abstract record ModelEdit
{
    /// <summary>What the edit changes, in the console's words.</summary>
    public abstract string Description { get; }

    /// <summary>The id of the resource the edit changes.</summary>
    public abstract string ResourceId { get; }

    internal abstract void Apply(NetworkModelBuilder builder);

    public override string ToString() => Description;

    private protected static int IndexOf<T>(List<T> items, Func<T, bool> match, string what, string id)
    {
        var i = items.FindIndex(x => match(x));
        if (i < 0) throw new ModelEditException($"{what} {id} is not in the model.");
        return i;
    }
}

/// <summary>AuthorizeSecurityGroupIngress / AuthorizeSecurityGroupEgress: one rule added to a group.</summary>
public sealed record AddSecurityGroupRule(SecurityGroupRule Rule) : ModelEdit
{
    public override string ResourceId => Rule.GroupId;
    public override string Description => $"add {Rule.Text}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var i = IndexOf(builder.SecurityGroups, g => g.GroupId == Rule.GroupId, "security group", Rule.GroupId);
        var group = builder.SecurityGroups[i];
        builder.SecurityGroups[i] = Rule.Direction == RuleDirection.Inbound
            ? group with { IngressRules = group.IngressRules.Append(Rule).ToList() }
            : group with { EgressRules = group.EgressRules.Append(Rule).ToList() };
    }
}

/// <summary>CreateNetworkAclEntry: AWS refuses a rule number already used in the same direction (R-NACL-2).</summary>
public sealed record AddNetworkAclEntry(string NetworkAclId, NetworkAclEntry Entry) : ModelEdit
{
    public override string ResourceId => NetworkAclId;
    public override string Description => $"add {(Entry.Egress ? "outbound" : "inbound")} {Entry.Text} to {NetworkAclId}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var i = IndexOf(builder.NetworkAcls, a => a.NetworkAclId == NetworkAclId, "network ACL", NetworkAclId);
        var acl = builder.NetworkAcls[i];
        if (Entry.RuleNumber is < 1 or > 32766)
            throw new ModelEditException($"Rule number {Entry.RuleNumber} is outside 1-32766.");
        if (acl.Entries.Any(e => e.Egress == Entry.Egress && e.RuleNumber == Entry.RuleNumber))
            throw new ModelEditException($"{NetworkAclId} already has {(Entry.Egress ? "an outbound" : "an inbound")} rule {Entry.RuleNumber}.");
        builder.NetworkAcls[i] = acl with { Entries = acl.Entries.Append(Entry).ToList() };
    }
}

/// <summary>CreateRoute: AWS refuses a route whose destination is already in the table.</summary>
public sealed record AddRoute(string RouteTableId, Route Route) : ModelEdit
{
    public override string ResourceId => RouteTableId;
    public override string Description => $"add route {Route.Text} to {RouteTableId}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var i = IndexOf(builder.RouteTables, r => r.RouteTableId == RouteTableId, "route table", RouteTableId);
        var table = builder.RouteTables[i];
        if (table.Routes.Any(r => r.DestinationText == Route.DestinationText))
            throw new ModelEditException($"{RouteTableId} already has a route to {Route.DestinationText}.");
        builder.RouteTables[i] = table with { Routes = table.Routes.Append(Route).ToList() };
    }
}

/// <summary>ReplaceRoute: the route to the same destination gets a new target (and is active again).</summary>
public sealed record ReplaceRoute(string RouteTableId, Route Route) : ModelEdit
{
    public override string ResourceId => RouteTableId;
    public override string Description => $"replace the route to {Route.DestinationText} in {RouteTableId} with {Route.Text}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var i = IndexOf(builder.RouteTables, r => r.RouteTableId == RouteTableId, "route table", RouteTableId);
        var table = builder.RouteTables[i];
        var routes = table.Routes.ToList();
        var j = routes.FindIndex(r => r.DestinationText == Route.DestinationText);
        if (j < 0) throw new ModelEditException($"{RouteTableId} has no route to {Route.DestinationText} to replace.");
        routes[j] = Route;
        builder.RouteTables[i] = table with { Routes = routes };
    }
}

/// <summary>CreateTransitGatewayRoute: a static route; AWS refuses a second static route to the same CIDR.</summary>
public sealed record AddTransitGatewayRoute(TransitGatewayRoute Route) : ModelEdit
{
    public override string ResourceId => Route.TransitGatewayRouteTableId;
    public override string Description => $"add transit gateway route {Route.Text} to {Route.TransitGatewayRouteTableId}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        IndexOf(builder.TransitGatewayRouteTables, t => t.TransitGatewayRouteTableId == Route.TransitGatewayRouteTableId,
            "transit gateway route table", Route.TransitGatewayRouteTableId);
        if (builder.TransitGatewayRoutes.Any(r => r.TransitGatewayRouteTableId == Route.TransitGatewayRouteTableId
                && r.Type == TgwRouteType.Static && r.DestinationCidr == Route.DestinationCidr))
            throw new ModelEditException($"{Route.TransitGatewayRouteTableId} already has a static route to {Route.DestinationCidr}.");
        builder.TransitGatewayRoutes.Add(Route);
    }
}

/// <summary>ReplaceTransitGatewayRoute: the static route to the same CIDR gets a new attachment (or stops being a blackhole).</summary>
public sealed record ReplaceTransitGatewayRoute(TransitGatewayRoute Route) : ModelEdit
{
    public override string ResourceId => Route.TransitGatewayRouteTableId;
    public override string Description => $"replace the transit gateway route to {Route.DestinationCidr} in {Route.TransitGatewayRouteTableId} with {Route.Text}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var j = builder.TransitGatewayRoutes.FindIndex(r => r.TransitGatewayRouteTableId == Route.TransitGatewayRouteTableId
            && r.Type == TgwRouteType.Static && r.DestinationCidr == Route.DestinationCidr);
        if (j < 0) throw new ModelEditException($"{Route.TransitGatewayRouteTableId} has no static route to {Route.DestinationCidr} to replace.");
        builder.TransitGatewayRoutes[j] = Route;
    }
}

/// <summary>AssociateTransitGatewayRouteTable: an attachment gets the route table that decides what arrives on it (R-TGW-14).</summary>
public sealed record AssociateTransitGatewayRouteTable(string TransitGatewayId, string TransitGatewayAttachmentId, string TransitGatewayRouteTableId) : ModelEdit
{
    public override string ResourceId => TransitGatewayAttachmentId;
    public override string Description => $"associate {TransitGatewayAttachmentId} with {TransitGatewayRouteTableId}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        IndexOf(builder.TransitGatewayRouteTables, t => t.TransitGatewayRouteTableId == TransitGatewayRouteTableId,
            "transit gateway route table", TransitGatewayRouteTableId);
        // A peering attachment has one id and a side on each TGW; the association belongs to this TGW's side (R-TGW-18).
        var i = IndexOf(builder.TransitGatewayAttachments,
            a => a.TransitGatewayAttachmentId == TransitGatewayAttachmentId && a.TransitGatewayId == TransitGatewayId,
            "transit gateway attachment", TransitGatewayAttachmentId);
        var attachment = builder.TransitGatewayAttachments[i];
        if (attachment.AssociatedRouteTableId is not null && string.Equals(attachment.AssociationState, "associated", StringComparison.OrdinalIgnoreCase))
            throw new ModelEditException($"{TransitGatewayAttachmentId} is already associated with {attachment.AssociatedRouteTableId}; an attachment has one association.");
        builder.TransitGatewayAttachments[i] = attachment with { AssociatedRouteTableId = TransitGatewayRouteTableId, AssociationState = "associated" };
    }
}

/// <summary>ModifyNetworkInterfaceAttribute SourceDestCheck: an appliance must forward packets not addressed to it (R-ENI-1).</summary>
public sealed record SetSourceDestCheck(string NetworkInterfaceId, bool Enabled) : ModelEdit
{
    public override string ResourceId => NetworkInterfaceId;
    public override string Description => $"{(Enabled ? "enable" : "disable")} the source/destination check of {NetworkInterfaceId}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var i = IndexOf(builder.NetworkInterfaces, e => e.NetworkInterfaceId == NetworkInterfaceId, "network interface", NetworkInterfaceId);
        builder.NetworkInterfaces[i] = builder.NetworkInterfaces[i] with { SourceDestCheck = Enabled };
    }
}

/// <summary>An edit AWS would refuse, or one that names a resource the model lacks.</summary>
public sealed class ModelEditException : Exception
{
    public ModelEditException(string message) : base(message) { }
}

public static class ModelEditing
{
    /// <summary>A new model with the edits applied in order; the given model is not changed.</summary>
    public static NetworkModel With(this NetworkModel model, IEnumerable<ModelEdit> edits)
    {
        var builder = model.ToBuilder();
        foreach (var edit in edits) edit.Apply(builder);
        return builder.Build();
    }
}
