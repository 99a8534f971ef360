using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text.Json;
using PacketWalk.Core.Model;
using PacketWalk.Core.Net;

namespace PacketWalk.Core.Snapshot.Parsers;

// Transit gateway policy tables (policy-based routing, R-TGW-22..25). Entries and associations are wrapped per policy
// table the way the TGW route files are: get-transit-gateway-policy-table-entries does not repeat the table id.
internal sealed partial class DocumentParser
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayPolicyTable(JsonElement o, JsonPath path)
    {
        var id = ReqStr(o, path, "TransitGatewayPolicyTableId");
        _b.TransitGatewayPolicyTables.Add(new TransitGatewayPolicyTable(id, ReqStr(o, path, "TransitGatewayId"), Str(o, path, "State"), Origin(path, null))
        {
            Name = NameTag(o, path),
        });
    }

    /// <summary><c>[{TransitGatewayPolicyTableId, TransitGatewayPolicyTableEntries: [...]}]</c>, one element per policy table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayPolicyTableEntries(JsonElement o, JsonPath path)
    {
        if (!TryGet(o, "TransitGatewayPolicyTableId", out _) && TryGet(o, "PolicyRuleNumber", out _))
            throw Invalid(path, "get-transit-gateway-policy-table-entries output does not name its policy table: wrap it as "
                + "{\"TransitGatewayPolicyTableEntries\": [{\"TransitGatewayPolicyTableId\": \"tgw-ptb-...\", \"TransitGatewayPolicyTableEntries\": [...]}]}");
        var table = ReqStr(o, path, "TransitGatewayPolicyTableId");
        _b.TransitGatewayPolicyTablesWithEntries.Add(table);
        foreach (var (el, p) in Objects(o, path, "TransitGatewayPolicyTableEntries"))
            _b.TransitGatewayPolicyTableEntries.Add(ParseTransitGatewayPolicyTableEntry(el, p, table));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal TransitGatewayPolicyTableEntry ParseTransitGatewayPolicyTableEntry(JsonElement o, JsonPath path, string table)
    {
        var numberText = StrOrNumber(o, path, "PolicyRuleNumber") ?? throw Missing(path, "PolicyRuleNumber");
        if (!int.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw Invalid(Child(path, "PolicyRuleNumber"), $"PolicyRuleNumber must be a whole number, not '{Shorten(numberText)}'");
        var rule = new TransitGatewayPolicyRule(null, null, null, null, null, null, null);
        if (TryObject(o, path, "PolicyRule", out var r, out var rp))
        {
            string? key = null, value = null;
            if (TryObject(r, rp, "MetaData", out var meta, out var mp))
            {
                key = Str(meta, mp, "MetaDataKey");
                value = Str(meta, mp, "MetaDataValue");
            }
            rule = new TransitGatewayPolicyRule(PolicyCidr(r, rp, "SourceCidrBlock"), PolicyCidr(r, rp, "DestinationCidrBlock"),
                PolicyProtocol(r, rp), PolicyPorts(r, rp, "SourcePortRange"), PolicyPorts(r, rp, "DestinationPortRange"), key, value);
        }
        return new TransitGatewayPolicyTableEntry(table, number, rule, Str(o, path, "TargetRouteTableId"), Str(o, path, "State") ?? "active");
    }

    /// <summary>
    /// <c>[{TransitGatewayPolicyTableId, TransitGatewayPolicyTableAssociations: [...]}]</c>; an element that is itself an
    /// association (it carries TransitGatewayAttachmentId) is read as one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseTransitGatewayPolicyTableAssociations(JsonElement o, JsonPath path)
    {
        var table = Str(o, path, "TransitGatewayPolicyTableId");
        if (TryGet(o, "TransitGatewayPolicyTableAssociations", out _))
        {
            foreach (var (el, p) in Objects(o, path, "TransitGatewayPolicyTableAssociations"))
                _b.TransitGatewayPolicyTableAssociations.Add(ParsePolicyTableAssociation(el, p, table));
            return;
        }
        _b.TransitGatewayPolicyTableAssociations.Add(ParsePolicyTableAssociation(o, path, null));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TransitGatewayPolicyTableAssociation ParsePolicyTableAssociation(JsonElement o, JsonPath path, string? wrapperTable)
    {
        var table = Str(o, path, "TransitGatewayPolicyTableId") ?? wrapperTable ?? throw Missing(path, "TransitGatewayPolicyTableId");
        if (wrapperTable is not null && table != wrapperTable)
            throw Invalid(Child(path, "TransitGatewayPolicyTableId"), $"the association names {table}, but it is listed under {wrapperTable}");
        return new TransitGatewayPolicyTableAssociation(table, ReqStr(o, path, "TransitGatewayAttachmentId"),
            Str(o, path, "ResourceId"), Str(o, path, "ResourceType"), Str(o, path, "State") ?? "associated");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsWildcard(string? s) => string.IsNullOrWhiteSpace(s) || s.Trim() == "*";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Cidr? PolicyCidr(JsonElement o, JsonPath path, string name)
    {
        var s = Str(o, path, name);
        if (IsWildcard(s)) return null;
        if (!Cidr.TryParse(s, out var c, out var error)) throw Invalid(Child(path, name), error);
        return c;
    }

    /// <summary>"6", "17", "1", "47", a name, or "*" for every protocol (null here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int? PolicyProtocol(JsonElement o, JsonPath path)
    {
        var s = StrOrNumber(o, path, "Protocol");
        if (IsWildcard(s)) return null;
        if (!IpProtocol.TryParse(s, out var protocol))
            throw Invalid(Child(path, "Protocol"), $"Protocol must be a protocol number or *, not '{Shorten(s!)}'");
        return protocol == IpProtocol.All ? null : protocol;
    }

    /// <summary>"443", "1024-65535", or "*" for all ports (null here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private PortRange? PolicyPorts(JsonElement o, JsonPath path, string name)
    {
        var s = StrOrNumber(o, path, name);
        if (IsWildcard(s)) return null;
        var parts = s!.Split('-', 2, StringSplitOptions.TrimEntries);
        static bool Port(string text, out int port) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
        if (Port(parts[0], out var from))
        {
            int to = from;
            if (parts.Length == 1 || (Port(parts[1], out to) && to >= from)) return new PortRange(from, to);
        }
        throw Invalid(Child(path, name), $"{name} must be a port, a range like 1024-65535, or *, not '{Shorten(s)}'");
    }
}
