using System.Globalization;
using System.Text.Json.Nodes;

namespace PacketWalk.Ec2Stub;

/// <summary>
/// The stub's EC2 operations: each takes the snapshot items of one key, applies the request's filters and ids the way
/// EC2 does, pages them, and returns the output members by their JSON names.
/// </summary>
internal static class Ec2Operations
{
    /// <summary>Operation → (snapshot key, output member) for the plain list operations.</summary>
    private static readonly Dictionary<string, (string Key, string Member)> Lists = new(StringComparer.Ordinal)
    {
        ["DescribeInstances"] = ("Reservations", "Reservations"),
        ["DescribeNetworkInterfaces"] = ("NetworkInterfaces", "NetworkInterfaces"),
        ["DescribeVpcs"] = ("Vpcs", "Vpcs"),
        ["DescribeSubnets"] = ("Subnets", "Subnets"),
        ["DescribeRouteTables"] = ("RouteTables", "RouteTables"),
        ["DescribeNetworkAcls"] = ("NetworkAcls", "NetworkAcls"),
        ["DescribeSecurityGroups"] = ("SecurityGroups", "SecurityGroups"),
        ["DescribeTransitGateways"] = ("TransitGateways", "TransitGateways"),
        ["DescribeTransitGatewayAttachments"] = ("TransitGatewayAttachments", "TransitGatewayAttachments"),
        ["DescribeTransitGatewayVpcAttachments"] = ("TransitGatewayVpcAttachments", "TransitGatewayVpcAttachments"),
        ["DescribeTransitGatewayRouteTables"] = ("TransitGatewayRouteTables", "TransitGatewayRouteTables"),
        ["DescribeManagedPrefixLists"] = ("ManagedPrefixLists", "PrefixLists"),
        ["DescribeInternetGateways"] = ("InternetGateways", "InternetGateways"),
        ["DescribeEgressOnlyInternetGateways"] = ("EgressOnlyInternetGateways", "EgressOnlyInternetGateways"),
        ["DescribeNatGateways"] = ("NatGateways", "NatGateways"),
        ["DescribeVpcEndpoints"] = ("VpcEndpoints", "VpcEndpoints"),
        ["DescribeVpcPeeringConnections"] = ("VpcPeeringConnections", "VpcPeeringConnections"),
        ["DescribeAddresses"] = ("Addresses", "Addresses"),
        ["DescribeVpnGateways"] = ("VpnGateways", "VpnGateways"),
        ["DescribeVpnConnections"] = ("VpnConnections", "VpnConnections"),
        ["DescribeTransitGatewayPeeringAttachments"] = ("TransitGatewayPeeringAttachments", "TransitGatewayPeeringAttachments"),
        ["GetTransitGatewayPrefixListReferences"] = ("TransitGatewayPrefixListReferences", "TransitGatewayPrefixListReferences"),
        ["DescribeTransitGatewayPolicyTables"] = ("TransitGatewayPolicyTables", "TransitGatewayPolicyTables"),
        ["DescribeVpcBlockPublicAccessExclusions"] = ("VpcBlockPublicAccessExclusions", "VpcBlockPublicAccessExclusions"),
    };

    /// <summary>Filter name → the values an item carries for it. Only these filters are accepted.</summary>
    private static readonly Dictionary<string, Func<JsonObject, IEnumerable<string?>>> FilterValues = new(StringComparer.Ordinal)
    {
        ["vpc-id"] = o => One(o, "VpcId"),
        ["subnet-id"] = o => One(o, "SubnetId"),
        ["instance-id"] = o => One(o, "InstanceId"),
        ["network-interface-id"] = o => One(o, "NetworkInterfaceId"),
        ["group-id"] = o => One(o, "GroupId"),
        ["route-table-id"] = o => One(o, "RouteTableId"),
        ["network-acl-id"] = o => One(o, "NetworkAclId"),
        ["transit-gateway-id"] = o => One(o, "TransitGatewayId")
            .Concat(new[] { "RequesterTgwInfo", "AccepterTgwInfo" }.SelectMany(side => Prop(o, side) is JsonObject info ? One(info, "TransitGatewayId") : Enumerable.Empty<string?>())),
        ["transit-gateway-attachment-id"] = o => One(o, "TransitGatewayAttachmentId"),
        ["transit-gateway-route-table-id"] = o => One(o, "TransitGatewayRouteTableId"),
        ["resource-id"] = o => One(o, "ResourceId"),
        ["resource-type"] = o => One(o, "ResourceType"),
        ["prefix-list-id"] = o => One(o, "PrefixListId"),
        ["type"] = o => One(o, "Type"),
        ["state"] = o => One(o, "State"),
        ["addresses.private-ip-address"] = o => One(o, "PrivateIpAddress").Concat(Each(o, "PrivateIpAddresses", "PrivateIpAddress")),
        ["ipv6-addresses.ipv6-address"] = o => Each(o, "Ipv6Addresses", "Ipv6Address"),
        ["attachment.vpc-id"] = o => Each(o, "Attachments", "VpcId").Concat(Each(o, "VpcAttachments", "VpcId")),
        ["internet-gateway-id"] = o => One(o, "InternetGatewayId"),
        ["route.gateway-id"] = o => Each(o, "Routes", "GatewayId"),
        ["association.gateway-id"] = o => Each(o, "Associations", "GatewayId"),
        ["association.public-ip"] = o => (Prop(o, "Association") is JsonObject a ? One(a, "PublicIp") : Enumerable.Empty<string?>())
            .Concat(Objects(o, "PrivateIpAddresses").SelectMany(p => Prop(p, "Association") is JsonObject pa ? One(pa, "PublicIp") : Enumerable.Empty<string?>())),
        ["nat-gateway-id"] = o => One(o, "NatGatewayId"),
        ["vpc-peering-connection-id"] = o => One(o, "VpcPeeringConnectionId"),
        ["vpc-endpoint-id"] = o => One(o, "VpcEndpointId"),
        ["vpn-gateway-id"] = o => One(o, "VpnGatewayId"),
        ["vpn-connection-id"] = o => One(o, "VpnConnectionId"),
    };

    public static JsonObject Answer(Ec2StubServer server, StubRequest request)
    {
        var account = request.Account;
        var filters = Filters(request);
        switch (request.Action)
        {
            case "DescribeInstances":
            {
                var instanceIds = Ids(request, "InstanceId");
                var reservations = new List<JsonObject>();
                foreach (var r in server.Estate.Items(account, "Reservations", request.Region))
                {
                    var kept = Objects(r, "Instances").Where(i => (instanceIds.Count == 0 || instanceIds.Contains(Get(i, "InstanceId") ?? "")) && Matches(i, filters)).ToList();
                    if (kept.Count == 0) continue;
                    var copy = (JsonObject)r.DeepClone();
                    copy["Instances"] = new JsonArray(kept.Select(k => (JsonNode)k.DeepClone()).ToArray());
                    reservations.Add(copy);
                }
                return Page(server, request, "Reservations", reservations);
            }
            case "SearchTransitGatewayRoutes":
            {
                var table = request.Parameter("TransitGatewayRouteTableId") ?? throw new StubInputException("MissingParameter", "TransitGatewayRouteTableId is required");
                var routes = server.Estate.Items(account, "TransitGatewayStaticRoutes", request.Region).Where(t => Get(t, "TransitGatewayRouteTableId") == table)
                    .SelectMany(t => Objects(t, "Routes")).Where(r => Matches(r, filters)).Select(r => (JsonNode)r.DeepClone()).ToArray();
                return new JsonObject { ["Routes"] = new JsonArray(routes), ["AdditionalRoutesAvailable"] = false };
            }
            case "GetTransitGatewayRouteTablePropagations":
            {
                var table = request.Parameter("TransitGatewayRouteTableId") ?? throw new StubInputException("MissingParameter", "TransitGatewayRouteTableId is required");
                var items = server.Estate.Items(account, "TransitGatewayPropagations", request.Region).Where(t => Get(t, "TransitGatewayRouteTableId") == table)
                    .SelectMany(t => Objects(t, "TransitGatewayRouteTablePropagations")).Where(p => Matches(p, filters)).ToList();
                return Page(server, request, "TransitGatewayRouteTablePropagations", items);
            }
            case "GetTransitGatewayPolicyTableEntries":
            case "GetTransitGatewayPolicyTableAssociations":
            {
                // Snapshot files wrap both per policy table; the API answers one table's list (entries: no paging).
                var table = request.Parameter("TransitGatewayPolicyTableId") ?? throw new StubInputException("MissingParameter", "TransitGatewayPolicyTableId is required");
                var entries = request.Action == "GetTransitGatewayPolicyTableEntries";
                var key = entries ? "TransitGatewayPolicyTableEntries" : "TransitGatewayPolicyTableAssociations";
                var items = server.Estate.Items(account, key, request.Region).Where(t => Get(t, "TransitGatewayPolicyTableId") == table)
                    .SelectMany(t => Objects(t, key)).Select(i =>
                    {
                        var copy = (JsonObject)i.DeepClone();
                        if (!entries) copy["TransitGatewayPolicyTableId"] ??= table;
                        return copy;
                    }).ToList();
                if (entries) return new JsonObject { [key] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()) };
                return Page(server, request, "Associations", items);
            }
            case "DescribeVpcBlockPublicAccessOptions":
            {
                // One object per account and region; an account that never set it answers "off" (AWS's default).
                var options = server.Estate.Items(account, "VpcBlockPublicAccessOptions", request.Region)
                    .FirstOrDefault(o => Get(o, "AwsRegion") is null || Get(o, "AwsRegion") == request.Region)?.DeepClone() as JsonObject
                    ?? new JsonObject { ["AwsAccountId"] = account, ["AwsRegion"] = request.Region, ["State"] = "default-state", ["InternetGatewayBlockMode"] = "off", ["ExclusionsAllowed"] = "allowed" };
                return new JsonObject { ["VpcBlockPublicAccessOptions"] = options };
            }
            case "GetManagedPrefixListEntries":
            {
                var id = request.Parameter("PrefixListId") ?? throw new StubInputException("MissingParameter", "PrefixListId is required");
                var entries = server.Estate.Items(account, "PrefixListEntries", request.Region).Where(p => Get(p, "PrefixListId") == id).SelectMany(p => Objects(p, "Entries"))
                    .Concat(server.Estate.Items(account, "ManagedPrefixLists", request.Region).Concat(server.Estate.Items(account, "PrefixLists", request.Region))
                        .Where(p => Get(p, "PrefixListId") == id).SelectMany(p => Objects(p, "Entries")
                            .Concat(Strings(p, "Cidrs").Select(c => new JsonObject { ["Cidr"] = c }))))
                    .GroupBy(e => Get(e, "Cidr")).Select(g => g.First()).ToList();
                return Page(server, request, "Entries", entries);
            }
        }
        if (!Lists.TryGetValue(request.Action, out var list)) throw new StubInputException("InvalidAction", $"{request.Action} is not served by the stub");
        var source = server.Estate.Items(account, list.Key, request.Region);
        if (list.Key == "ManagedPrefixLists") source = source.Concat(server.Estate.Items(account, "PrefixLists", request.Region)).ToList();
        var idParameter = request.Action switch
        {
            "DescribeVpcs" => ("VpcId", "VpcId"),
            "DescribeSubnets" => ("SubnetId", "SubnetId"),
            "DescribeNetworkInterfaces" => ("NetworkInterfaceId", "NetworkInterfaceId"),
            "DescribeSecurityGroups" => ("GroupId", "GroupId"),
            "DescribeRouteTables" => ("RouteTableId", "RouteTableId"),
            "DescribeNetworkAcls" => ("NetworkAclId", "NetworkAclId"),
            "DescribeTransitGateways" => ("TransitGatewayIds", "TransitGatewayId"),
            "DescribeTransitGatewayAttachments" => ("TransitGatewayAttachmentIds", "TransitGatewayAttachmentId"),
            "DescribeTransitGatewayVpcAttachments" => ("TransitGatewayAttachmentIds", "TransitGatewayAttachmentId"),
            "DescribeTransitGatewayRouteTables" => ("TransitGatewayRouteTableIds", "TransitGatewayRouteTableId"),
            "DescribeEgressOnlyInternetGateways" => ("EgressOnlyInternetGatewayId", "EgressOnlyInternetGatewayId"),
            "GetTransitGatewayPrefixListReferences" => ("TransitGatewayRouteTableId", "TransitGatewayRouteTableId"),
            "DescribeTransitGatewayPolicyTables" => ("TransitGatewayPolicyTableIds", "TransitGatewayPolicyTableId"),
            "DescribeVpcBlockPublicAccessExclusions" => ("ExclusionId", "ExclusionId"),
            _ => ((string, string)?)null,
        };
        var ids = idParameter is { } ip ? Ids(request, ip.Item1) : new HashSet<string>();
        var matching = source.Where(o => (ids.Count == 0 || ids.Contains(Get(o, idParameter!.Value.Item2) ?? "")) && Matches(o, filters)).ToList();
        return Page(server, request, list.Member, matching);
    }

    private static JsonObject Page(Ec2StubServer server, StubRequest request, string member, IReadOnlyList<JsonObject> items)
    {
        int offset = 0;
        if (request.Parameter("NextToken") is { Length: > 0 } token)
            if (!token.StartsWith("stub-page-", StringComparison.Ordinal) || !int.TryParse(token["stub-page-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                throw new StubInputException("InvalidNextToken", $"The token '{token}' is invalid.");
        int size = server.PageSize;
        if (request.Parameter("MaxResults") is { } max && int.TryParse(max, out var m) && m > 0) size = Math.Min(size, m);
        var page = items.Skip(offset).Take(size).Select(i => (JsonNode)i.DeepClone()).ToArray();
        var output = new JsonObject { [member] = new JsonArray(page) };
        if (offset + size < items.Count) output["NextToken"] = $"stub-page-{offset + size}";
        return output;
    }

    /// <summary>Filter.N.Name / Filter.N.Value.M → name → values.</summary>
    private static Dictionary<string, HashSet<string>> Filters(StubRequest request)
    {
        var filters = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Parameters)
        {
            if (!key.StartsWith("Filter.", StringComparison.Ordinal) || !key.EndsWith(".Name", StringComparison.Ordinal)) continue;
            var prefix = key[..^".Name".Length];
            if (!FilterValues.ContainsKey(value))
                throw new StubInputException("InvalidParameterValue", $"The filter '{value}' is invalid");
            var values = request.Parameters.Where(kv => kv.Key.StartsWith(prefix + ".Value.", StringComparison.Ordinal)).Select(kv => kv.Value);
            if (!filters.TryGetValue(value, out var set)) filters[value] = set = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(values);
        }
        return filters;
    }

    private static bool Matches(JsonObject item, Dictionary<string, HashSet<string>> filters) =>
        filters.All(f => FilterValues[f.Key](item).Any(v => v is not null && f.Value.Contains(v)));

    /// <summary>Name.1, Name.2 … (ids given as parameters rather than filters).</summary>
    private static HashSet<string> Ids(StubRequest request, string name) =>
        request.Parameters.Where(kv => kv.Key == name || kv.Key.StartsWith(name + ".", StringComparison.Ordinal)).Select(kv => kv.Value).ToHashSet(StringComparer.Ordinal);

    private static JsonNode? Prop(JsonObject o, string name)
    {
        if (o.TryGetPropertyValue(name, out var v)) return v;
        var camel = char.ToLowerInvariant(name[0]) + name[1..];
        return o.TryGetPropertyValue(camel, out v) ? v : null;
    }

    private static string? Get(JsonObject o, string name) => Prop(o, name) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static IEnumerable<string?> One(JsonObject o, string name) => new[] { Get(o, name) };

    private static IEnumerable<JsonObject> Objects(JsonObject o, string name) => Prop(o, name) is JsonArray a ? a.OfType<JsonObject>() : Enumerable.Empty<JsonObject>();

    private static IEnumerable<string?> Each(JsonObject o, string list, string name) => Objects(o, list).Select(x => Get(x, name));

    private static IEnumerable<string> Strings(JsonObject o, string name) =>
        Prop(o, name) is JsonArray a ? a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>() : Enumerable.Empty<string>();
}
