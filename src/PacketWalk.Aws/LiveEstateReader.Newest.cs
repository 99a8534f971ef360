using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using PacketWalk.Core.Snapshot;
using static PacketWalk.Aws.LiveEstateReader;

namespace PacketWalk.Aws;

/// <summary>
/// The reads for transit gateway policy tables (R-TGW-22) and VPC Block Public Access (R-BPA-1), filed under the snapshot
/// keys the reader takes: policy entries and associations wrapped per policy table, the options as one object per
/// account and region.
/// </summary>
internal static class NewestCalls
{
    public static Task<List<JsonObject>?> PolicyTables(Ec2Caller c, IReadOnlyCollection<string> tgwIds) =>
        c.PagesAsync("DescribeTransitGatewayPolicyTables", ResourceKinds.TransitGatewayPolicyTables, Ec2Caller.Scope(("transit-gateway-id", tgwIds)),
            (token, ct) => c.Client.DescribeTransitGatewayPolicyTablesAsync(new DescribeTransitGatewayPolicyTablesRequest { Filters = Ec2Caller.Filters(("transit-gateway-id", tgwIds)), NextToken = token }, ct),
            r => r.TransitGatewayPolicyTables, r => r.NextToken, Ec2Caller.PropertyIn("TransitGatewayId", tgwIds));

    /// <summary>GetTransitGatewayPolicyTableEntries has no NextToken: one call returns the table's entries.</summary>
    public static async Task<JsonObject?> PolicyTableEntries(Ec2Caller c, string policyTableId)
    {
        var entries = await c.PagesAsync("GetTransitGatewayPolicyTableEntries", ResourceKinds.TransitGatewayPolicyTables, $"transit-gateway-policy-table-id={policyTableId}",
            (token, ct) => c.Client.GetTransitGatewayPolicyTableEntriesAsync(new GetTransitGatewayPolicyTableEntriesRequest { TransitGatewayPolicyTableId = policyTableId }, ct),
            r => r.TransitGatewayPolicyTableEntries, _ => null, resourceId: policyTableId).ConfigureAwait(false);
        if (entries is null) return null;
        return new JsonObject
        {
            ["TransitGatewayPolicyTableId"] = policyTableId,
            ["TransitGatewayPolicyTableEntries"] = new JsonArray(entries.Select(e => (JsonNode)e).ToArray()),
        };
    }

    public static async Task<JsonObject?> PolicyTableAssociations(Ec2Caller c, string policyTableId)
    {
        var associations = await c.PagesAsync("GetTransitGatewayPolicyTableAssociations", ResourceKinds.TransitGatewayPolicyTables, $"transit-gateway-policy-table-id={policyTableId}",
            (token, ct) => c.Client.GetTransitGatewayPolicyTableAssociationsAsync(new GetTransitGatewayPolicyTableAssociationsRequest { TransitGatewayPolicyTableId = policyTableId, NextToken = token }, ct),
            r => r.Associations, r => r.NextToken, resourceId: policyTableId).ConfigureAwait(false);
        if (associations is null) return null;
        return new JsonObject
        {
            ["TransitGatewayPolicyTableId"] = policyTableId,
            ["TransitGatewayPolicyTableAssociations"] = new JsonArray(associations.Select(a => (JsonNode)a).ToArray()),
        };
    }

    public static Task<List<JsonObject>?> BlockPublicAccessOptions(Ec2Caller c) =>
        c.PagesAsync("DescribeVpcBlockPublicAccessOptions", ResourceKinds.VpcBlockPublicAccess, "account and region",
            (token, ct) => c.Client.DescribeVpcBlockPublicAccessOptionsAsync(new DescribeVpcBlockPublicAccessOptionsRequest(), ct),
            r => r.VpcBlockPublicAccessOptions is { } o ? new[] { o } : Array.Empty<VpcBlockPublicAccessOptions>(), _ => null);

    public static Task<List<JsonObject>?> BlockPublicAccessExclusions(Ec2Caller c) =>
        c.PagesAsync("DescribeVpcBlockPublicAccessExclusions", ResourceKinds.VpcBlockPublicAccess, "all",
            (token, ct) => c.Client.DescribeVpcBlockPublicAccessExclusionsAsync(new DescribeVpcBlockPublicAccessExclusionsRequest { NextToken = token }, ct),
            r => r.VpcBlockPublicAccessExclusions, r => r.NextToken);

    /// <summary>
    /// The policy tables of these TGWs with their entries and associations. An attachment is associated with a policy
    /// table or a route table, never both (R-TGW-22), so when every attachment has a route-table association no policy table
    /// can route anything and nothing is read (no call for the usual estate, nor against endpoints without the API).
    /// </summary>
    public static async Task ReadPolicyTablesAsync(DocumentSet documents, Ec2Caller c, IReadOnlyCollection<string> tgwIds, IReadOnlyList<JsonObject>? attachments)
    {
        if (attachments is not null
            && attachments.All(a => a["Association"] is JsonObject assoc && Str(assoc["State"]) is null or "associated" && Str(assoc["TransitGatewayRouteTableId"]) is not null))
            return;
        var tables = await PolicyTables(c, tgwIds).ConfigureAwait(false);
        File(documents, c, "TransitGatewayPolicyTables", tables);
        if (tables is null || tables.Count == 0) return;
        var ids = tables.Select(t => Str(t["TransitGatewayPolicyTableId"])).OfType<string>().ToList();
        var entries = Task.WhenAll(ids.Select(id => PolicyTableEntries(c, id)));
        var associations = Task.WhenAll(ids.Select(id => PolicyTableAssociations(c, id)));
        await Task.WhenAll(entries, associations).ConfigureAwait(false);
        foreach (var e in entries.Result) File(documents, c, "TransitGatewayPolicyTableEntries", e);
        foreach (var a in associations.Result) File(documents, c, "TransitGatewayPolicyTableAssociations", a);
    }

    /// <summary>The account's Block Public Access mode and exclusions in the caller's region.</summary>
    public static async Task ReadBlockPublicAccessAsync(DocumentSet documents, Ec2Caller c)
    {
        var options = BlockPublicAccessOptions(c);
        var exclusions = BlockPublicAccessExclusions(c);
        await Task.WhenAll(options, exclusions).ConfigureAwait(false);
        File(documents, c, "VpcBlockPublicAccessOptions", options.Result);
        File(documents, c, "VpcBlockPublicAccessExclusions", exclusions.Result);
    }

    /// <summary>The TGW route tables policy rules name, to be read like associated ones.</summary>
    public static IEnumerable<(string RouteTableId, string? TransitGatewayId)> PolicyTargets(DocumentSet documents)
    {
        var tgwOf = documents.Items("TransitGatewayPolicyTables")
            .Select(t => (Id: Str(t["TransitGatewayPolicyTableId"]), Tgw: Str(t["TransitGatewayId"])))
            .Where(t => t.Id is not null).GroupBy(t => t.Id!).ToDictionary(g => g.Key, g => g.First().Tgw, StringComparer.Ordinal);
        foreach (var wrapper in documents.Items("TransitGatewayPolicyTableEntries"))
        {
            var table = Str(wrapper["TransitGatewayPolicyTableId"]);
            foreach (var entry in Objects(wrapper["TransitGatewayPolicyTableEntries"]))
                if (Str(entry["TargetRouteTableId"]) is { } rt && Str(entry["State"]) is not "deleted")
                    yield return (rt, table is not null && tgwOf.TryGetValue(table, out var tgw) ? tgw : null);
        }
    }
}
