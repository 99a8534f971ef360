using PacketWalk.Core.Model;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Fixes;

/// <summary>CreateTransitGatewayPolicyTableEntry: AWS refuses a rule number already used in the table (R-TGW-23).</summary>
public sealed record AddTransitGatewayPolicyTableEntry(TransitGatewayPolicyTableEntry Entry) : ModelEdit
{
    public override string ResourceId => Entry.TransitGatewayPolicyTableId;
    public override string Description => $"add {Entry.Text} to {Entry.TransitGatewayPolicyTableId}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var table = Entry.TransitGatewayPolicyTableId;
        if (!builder.TransitGatewayPolicyTables.Any(t => t.TransitGatewayPolicyTableId == table) && !builder.TransitGatewayPolicyTablesWithEntries.Contains(table))
            throw new ModelEditException($"transit gateway policy table {table} is not in the model.");
        if (builder.TransitGatewayPolicyTableEntries.Any(e => e.TransitGatewayPolicyTableId == table && e.PolicyRuleNumber == Entry.PolicyRuleNumber && e.IsActive))
            throw new ModelEditException($"{table} already has a rule {Entry.PolicyRuleNumber}.");
        builder.TransitGatewayPolicyTableEntries.Add(Entry);
        builder.TransitGatewayPolicyTablesWithEntries.Add(table);
    }
}

/// <summary>CreateVpcBlockPublicAccessExclusion: one VPC or subnet exempted (R-BPA-3); AWS allows one exclusion per resource.</summary>
public sealed record AddBlockPublicAccessExclusion(VpcBlockPublicAccessExclusion Exclusion) : ModelEdit
{
    public override string ResourceId => Exclusion.SubnetId ?? Exclusion.VpcId!;
    public override string Description => $"exclude {ResourceId} from VPC Block Public Access ({Exclusion.InternetGatewayExclusionMode})";

    internal override void Apply(NetworkModelBuilder builder)
    {
        if (builder.VpcBlockPublicAccessExclusions.Any(e => (e.SubnetId ?? e.VpcId) == ResourceId && (e.InEffect || e.IsChanging)))
            throw new ModelEditException($"{ResourceId} already has a Block Public Access exclusion.");
        builder.VpcBlockPublicAccessExclusions.Add(Exclusion);
    }
}

/// <summary>ModifyVpcBlockPublicAccessExclusion: an existing exclusion gets another mode.</summary>
public sealed record ModifyBlockPublicAccessExclusion(string ExclusionId, string InternetGatewayExclusionMode) : ModelEdit
{
    public override string ResourceId => ExclusionId;
    public override string Description => $"change Block Public Access exclusion {ExclusionId} to {InternetGatewayExclusionMode}";

    internal override void Apply(NetworkModelBuilder builder)
    {
        var i = IndexOf(builder.VpcBlockPublicAccessExclusions, e => e.ExclusionId == ExclusionId, "Block Public Access exclusion", ExclusionId);
        builder.VpcBlockPublicAccessExclusions[i] = builder.VpcBlockPublicAccessExclusions[i] with { InternetGatewayExclusionMode = InternetGatewayExclusionMode, State = "update-complete" };
    }
}
