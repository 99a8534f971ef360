using System.Runtime.CompilerServices;
using System.Text.Json;

namespace PacketWalk.Core.Snapshot.Parsers;

internal sealed partial class DocumentParser
{
    /// <summary>Top-level keys that carry no resources and are accepted silently.</summary>
    private static readonly HashSet<string> SilentKeys = new(StringComparer.Ordinal) { "NextToken", "ResponseMetadata" };

    /// <summary>Keys whose describe call returns one object, not a list (a list of them is read too, for merged files).</summary>
    private static readonly HashSet<string> SingleObjectKeys = new(StringComparer.Ordinal) { "VpcBlockPublicAccessOptions" };

    /// <summary>Dispatches each top-level key (or a bare top-level list) to its parser.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Parse(JsonElement root)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var prop in root.EnumerateObject())
                    ParseTopLevel(prop.Name, prop.Value);
                break;
            case JsonValueKind.Array:
                ParseBareList(root);
                break;
            default:
                throw Invalid("$", $"a snapshot file must hold a JSON object (or a list of instances), not {KindText(root.ValueKind)}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTopLevel(string key, JsonElement value)
    {
        var pascal = key.Length > 0 && char.IsLower(key[0]) ? char.ToUpperInvariant(key[0]) + key[1..] : key;
        var path = "$." + key;
        Action<JsonElement, JsonPath>? parse = pascal switch
        {
            "Reservations" => ParseReservation,
            "Instances" => ParseInstanceElement,
            "NetworkInterfaces" => (e, p) => _b.NetworkInterfaces.Add(ParseNetworkInterface(e, p, null)),
            "Vpcs" => ParseVpc,
            "Subnets" => ParseSubnet,
            "RouteTables" => ParseRouteTable,
            "NetworkAcls" => ParseNetworkAcl,
            "SecurityGroups" => ParseSecurityGroup,
            "PrefixLists" => ParsePrefixList,
            "ManagedPrefixLists" => ParsePrefixList,
            "PrefixListEntries" => ParsePrefixListEntries,
            "TransitGateways" => ParseTransitGateway,
            "TransitGatewayAttachments" => ParseTransitGatewayAttachment,
            "TransitGatewayVpcAttachments" => ParseTransitGatewayVpcAttachment,
            "TransitGatewayRouteTables" => ParseTransitGatewayRouteTable,
            "TransitGatewayStaticRoutes" => ParseTransitGatewayRoutes,
            "TransitGatewayPropagations" => ParseTransitGatewayPropagations,
            "TransitGatewayPeeringAttachments" => ParseTransitGatewayPeeringAttachment,
            "TransitGatewayPrefixListReferences" => ParseTransitGatewayPrefixListReference,
            "TransitGatewayPolicyTables" => ParseTransitGatewayPolicyTable,
            "TransitGatewayPolicyTableEntries" => ParseTransitGatewayPolicyTableEntries,
            "TransitGatewayPolicyTableAssociations" => ParseTransitGatewayPolicyTableAssociations,
            "VpcBlockPublicAccessOptions" => ParseVpcBlockPublicAccessOptions,
            "VpcBlockPublicAccessExclusions" => ParseVpcBlockPublicAccessExclusion,
            "VpnConnections" => ParseVpnConnection,
            "VpnGateways" => ParseVpnGateway,
            "VpcPeeringConnections" => ParseVpcPeeringConnection,
            "InternetGateways" => ParseInternetGateway,
            "EgressOnlyInternetGateways" => ParseEgressOnlyInternetGateway,
            "NatGateways" => ParseNatGateway,
            "VpcEndpoints" => ParseVpcEndpoint,
            "Addresses" => ParseAddress,
            _ => null,
        };
        if (parse is null)
        {
            if (!SilentKeys.Contains(pascal))
                Warn($"unknown top-level key '{key}' skipped", path);
            return;
        }

        Recognised++;
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind == JsonValueKind.Object && SingleObjectKeys.Contains(pascal))
        {
            parse(value, path);
            return;
        }
        if (value.ValueKind != JsonValueKind.Array)
            throw Invalid(path, $"{key} must be a list, not {KindText(value.ValueKind)}");
        _skipped.Clear();
        ParseList(value, path, key, parse);
        ReportSkippedInstances(path);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseList(JsonElement array, JsonPath path, string key, Action<JsonElement, JsonPath> parse)
    {
        int i = 0;
        foreach (var el in array.EnumerateArray())
        {
            var p = Index(path.ToString(), i++);
            if (el.ValueKind == JsonValueKind.Null) continue;
            if (el.ValueKind != JsonValueKind.Object)
                throw Invalid(p, $"each element of {key} must be an object, not {KindText(el.ValueKind)}");
            parse(el, p);
        }
    }

    /// <summary>
    /// A top-level list: instances (<c>--query 'Reservations[].Instances[]'</c>), reservations (a boto3 dump of
    /// <c>['Reservations']</c>) or lists of instances (<c>--query 'Reservations[].Instances'</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseBareList(JsonElement root)
    {
        _skipped.Clear();
        int i = 0, recognised = 0;
        foreach (var el in root.EnumerateArray())
        {
            var p = Index("$", i++);
            switch (el.ValueKind)
            {
                case JsonValueKind.Null:
                    continue;
                case JsonValueKind.Array:
                    ParseList(el, p, "the inner list", ParseInstanceElement);
                    recognised++;
                    break;
                case JsonValueKind.Object when TryGet(el, "Instances", out _):
                    ParseReservation(el, p);
                    recognised++;
                    break;
                case JsonValueKind.Object when TryGet(el, "InstanceId", out _) && !TryGet(el, "AllocationId", out _) && !TryGet(el, "PublicIp", out _):
                    ParseInstanceElement(el, p);
                    recognised++;
                    break;
                default:
                    Warn("a top-level list is read only as a list of EC2 instances or reservations; this one was skipped", "$");
                    return;
            }
        }
        if (recognised > 0) Recognised++;
        else Warn("empty top-level list skipped", "$");
        ReportSkippedInstances("$");
    }
}
