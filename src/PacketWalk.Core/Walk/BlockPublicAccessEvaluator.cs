using PacketWalk.Core.Model;

namespace PacketWalk.Core.Walk;

/// <summary>How a packet uses the internet gateway: an interface's own public address, a NAT gateway, or an egress-only gateway.</summary>
public enum InternetPath { Direct, NatGateway, EgressOnly }

public enum BlockPublicAccessVerdict { Allowed, Blocked, Unknown, Ambiguous }

/// <summary>
/// The Block Public Access decision at one gateway crossing. <see cref="Exclusion"/> is the exclusion that decided (or
/// that applies but does not admit this traffic); <see cref="WouldAllow"/> says what exclusion would let it through.
/// </summary>
public sealed record BlockPublicAccessDecision(BlockPublicAccessVerdict Verdict, string Rule, string Explanation, VpcBlockPublicAccessExclusion? Exclusion,
    string? WouldAllow, bool SettingsMissing);

/// <summary>
/// VPC Block Public Access (R-BPA-1..6). The account/region mode decides traffic through internet and egress-only internet
/// gateways before any route, network ACL or security group of the VPC: block-bidirectional blocks it all; block-ingress
/// lets only connections made outwards through a NAT gateway or an egress-only gateway use the internet. An exclusion on the
/// VPC or subnet exempts it: allow-bidirectional from either mode, allow-egress (only under block-bidirectional) for
/// connections made outwards. The decision is per connection: a reply goes the way its request went.
/// </summary>
public static class BlockPublicAccessEvaluator
{
    private static readonly string[] AllModes = { "off", "block-bidirectional", "block-ingress" };

    /// <param name="initiatedInside">True when the connection was opened from inside the VPC (the request leaves, or the reply comes back).</param>
    public static BlockPublicAccessDecision Evaluate(VpcBlockPublicAccessOptions? options, IReadOnlyList<VpcBlockPublicAccessExclusion> exclusions,
        bool initiatedInside, InternetPath path, string vpcId, string? subnetId)
    {
        if (options is null)
            return new(BlockPublicAccessVerdict.Allowed, "Block Public Access not in the snapshot (taken as off)",
                $"The snapshot holds no VPC Block Public Access settings for {vpcId}'s account and region; they are taken as off.", null, null, true);

        var where = $"{options.AwsRegion ?? "this region"}{(options.AwsAccountId is null ? "" : $" (account {options.AwsAccountId})")}";
        var modes = options.IsChanging ? AllModes : new[] { options.InternetGatewayBlockMode };
        var usable = options.ExclusionsApply ? exclusions.Where(e => e.InEffect || e.IsChanging).ToList() : new List<VpcBlockPublicAccessExclusion>();
        var changing = usable.Where(e => e.IsChanging).ToList();

        // Every combination AWS may be in: each changing exclusion applied or not, and — since AWS does not document
        // which of a VPC and a subnet exclusion wins — each applicable exclusion governing on its own.
        var outcomes = new List<(string Mode, VpcBlockPublicAccessExclusion? Governing, bool Allowed)>();
        for (int mask = 0; mask < 1 << changing.Count; mask++)
        {
            var present = usable.Where(e => e.InEffect || (mask & (1 << changing.IndexOf(e))) != 0).ToList();
            var governing = present.Count == 0 ? new VpcBlockPublicAccessExclusion?[] { null } : present.Cast<VpcBlockPublicAccessExclusion?>().ToArray();
            foreach (var mode in modes)
                foreach (var g in governing)
                    outcomes.Add((mode, g, Allows(mode, g, initiatedInside, path)));
        }

        var listed = outcomes.First(o => o.Mode == options.InternetGatewayBlockMode);
        var wouldAllow = WouldAllow(options, initiatedInside, path, vpcId, subnetId);
        var what = Describe(initiatedInside, path);
        if (outcomes.All(o => o.Allowed == listed.Allowed))
        {
            // The exclusion to name: one that exempts this traffic when it passes, else the one that applies.
            var governing = outcomes.Select(o => o.Governing).OfType<VpcBlockPublicAccessExclusion>()
                .FirstOrDefault(g => Exempts(options.InternetGatewayBlockMode, g, initiatedInside, path)) ?? listed.Governing;
            var rule = RuleText(options.InternetGatewayBlockMode, governing);
            if (listed.Allowed)
                return new(BlockPublicAccessVerdict.Allowed, rule,
                    options.IsOff ? $"VPC Block Public Access is off in {where}."
                    : governing is { } g && Exempts(options.InternetGatewayBlockMode, g, initiatedInside, path)
                        ? $"VPC Block Public Access is {options.InternetGatewayBlockMode} in {where}; exclusion {g.Text} admits {what}."
                        : $"VPC Block Public Access is {options.InternetGatewayBlockMode} in {where}, which lets {what} use the internet.",
                    governing, null, false);
            return new(BlockPublicAccessVerdict.Blocked, rule,
                $"VPC Block Public Access is {options.InternetGatewayBlockMode} in {where}, which blocks {what}"
                + (governing is { } ex ? $"; exclusion {ex.Text} does not admit it" : "")
                + $". {wouldAllow}",
                governing, wouldAllow, false);
        }
        var alternatives = string.Join("; ", outcomes.Select(o => $"mode {o.Mode}{(o.Governing is null ? "" : $" with {o.Governing.ExclusionId} ({o.Governing.InternetGatewayExclusionMode}) governing")}: {(o.Allowed ? "allowed" : "blocked")}").Distinct());
        if (options.IsChanging || changing.Count > 0)
            return new(BlockPublicAccessVerdict.Unknown, RuleText(options.InternetGatewayBlockMode, listed.Governing),
                $"VPC Block Public Access settings for {vpcId} were changing when the snapshot was taken"
                + $"{(options.IsChanging ? $" (mode update in progress in {where})" : "")}{(changing.Count > 0 ? $" ({string.Join(", ", changing.Select(c => c.Text))})" : "")}, "
                + $"so whether {what} is blocked is unknown: {alternatives}.", listed.Governing, wouldAllow, false);
        return new(BlockPublicAccessVerdict.Ambiguous, RuleText(options.InternetGatewayBlockMode, null),
            $"Both a VPC and a subnet exclusion apply to {subnetId ?? vpcId} and they decide {what} differently; AWS does not document which wins (UNCONFIRMED): {alternatives}.",
            null, wouldAllow, false);
    }

    /// <summary>R-BPA-2/3: the mode with the governing exclusion.</summary>
    private static bool Allows(string mode, VpcBlockPublicAccessExclusion? exclusion, bool initiatedInside, InternetPath path) => mode switch
    {
        "off" => true,
        _ when exclusion?.AllowsBidirectional == true => true,
        "block-bidirectional" => initiatedInside && exclusion?.AllowsEgress == true,
        // block-ingress: only outward connections through a NAT gateway or an egress-only gateway; allow-egress changes nothing.
        "block-ingress" => initiatedInside && path is InternetPath.NatGateway or InternetPath.EgressOnly,
        _ => false,
    };

    private static bool Exempts(string mode, VpcBlockPublicAccessExclusion exclusion, bool initiatedInside, InternetPath path) =>
        Allows(mode, exclusion, initiatedInside, path) && !Allows(mode, null, initiatedInside, path);

    private static string RuleText(string mode, VpcBlockPublicAccessExclusion? exclusion) =>
        $"Block Public Access {mode}{(exclusion is null ? "" : $"; exclusion {exclusion.ExclusionId} {exclusion.InternetGatewayExclusionMode} on {exclusion.Target}")}";

    private static string Describe(bool initiatedInside, InternetPath path) => (initiatedInside, path) switch
    {
        (true, InternetPath.NatGateway) => "connections made outwards through a NAT gateway",
        (true, InternetPath.EgressOnly) => "connections made outwards through an egress-only internet gateway",
        (true, _) => "connections made outwards through the internet gateway from an interface's own public address",
        (false, _) => "connections from the internet into the VPC",
    };

    /// <summary>The exclusion that would let this traffic through, named for the message.</summary>
    private static string WouldAllow(VpcBlockPublicAccessOptions options, bool initiatedInside, InternetPath path, string vpcId, string? subnetId)
    {
        if (!options.ExclusionsApply)
            return "Exclusions are not allowed for this account (ExclusionsAllowed not-allowed, set by an AWS Organizations policy), so only changing the mode would allow it.";
        var target = subnetId is null ? vpcId : $"subnet {subnetId} or VPC {vpcId}";
        var mode = initiatedInside && options.InternetGatewayBlockMode == "block-bidirectional" ? "allow-egress (or allow-bidirectional)" : "allow-bidirectional";
        return $"An exclusion with {mode} on {target} would allow it.";
    }
}
