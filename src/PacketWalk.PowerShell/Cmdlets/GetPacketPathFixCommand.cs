using System.Management.Automation;
using PacketWalk.Core.Fixes;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Proposes the smallest change per blocker of a walk, as AWS.Tools for PowerShell commands that PacketWalk never runs.</para>
/// <para type="description">Takes a walk result (Test-PacketPath, best with -AllBlockers) and writes one PathFix per change: Grant-EC2SecurityGroupIngress/Egress with the exact
/// IpPermission (the source's /32, or its security group where referencing works), New-EC2NetworkAclEntry with a free rule number before the deny that matched,
/// New-EC2Route / Set-EC2Route, New-EC2TransitGatewayRoute / Set-EC2TransitGatewayRoute, Register-EC2TransitGatewayRouteTable, and a note where the fix is
/// structural (Edit-EC2TransitGatewayVpcAttachment -AddSubnetId). Every proposed change is applied to a copy of the snapshot in memory and the flow walked again,
/// so blocks that only a fixed path reaches are found too (Round 2 and up); a warning says when the result is still not Reachable.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "PacketPathFix")]
[OutputType(typeof(PathFix))]
public sealed class GetPacketPathFixCommand : PacketWalkCmdlet
{
    public const string ResultWithoutModelId = "PacketWalkResultWithoutModel";

    /// <summary>A walk result from Test-PacketPath.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PacketPathResult InputObject { get; set; } = null!;

    /// <summary>Plan on this snapshot instead of the one the walk ran on.</summary>
    [Parameter]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object? Snapshot { get; set; }

    /// <summary>Name peers by address (/32, /128) even where a security-group reference would work.</summary>
    [Parameter]
    public SwitchParameter AddressOnly { get; set; }

    /// <summary>How many times to apply the fixes so far and walk again (blocks behind a missing route appear only then).</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int MaxRound { get; set; } = 8;

    protected override void ProcessRecord()
    {
        var request = InputObject.GetRequest();
        var model = Snapshot is null ? InputObject.GetModel() : ResolveSnapshot(Snapshot).Model;
        if (model is null || request is null)
        {
            WriteError(InputError(ResultWithoutModelId, ErrorCategory.InvalidArgument,
                $"The walk result for {InputObject.Source} -> {InputObject.Destination} does not carry its snapshot; pass -Snapshot, or pipe a result straight from Test-PacketPath.", InputObject));
            return;
        }
        if ((InputObject.Verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge) && Snapshot is null)
        {
            WriteVerbose($"{InputObject.Source} -> {InputObject.Destination} is {InputObject.Verdict}: nothing to fix.");
            return;
        }
        FixPlan plan;
        try
        {
            plan = PathFixPlanner.Plan(model, request, new FixOptions { AddressOnly = AddressOnly.IsPresent, MaxRounds = MaxRound });
        }
        catch (WalkInputException ex)
        {
            WriteError(WalkInputError(ex, InputObject));
            return;
        }
        catch (Exception ex) when (!IsFatal(ex))
        {
            ThrowInternal(ex, InputObject);
            return;
        }
        WriteVerbose($"{request.Source} -> {request.Destination}: {plan.Before.Verdict} with {plan.Before.Blockers.Count} blocker(s); "
            + $"{plan.Fixes.Count} change(s) proposed; with them applied in memory the walk is {plan.After.Verdict}.");
        foreach (var fix in plan.Fixes) WriteObject(fix);
        if (!plan.Cleared)
            WriteWarning($"With the proposed changes {request.Source} -> {request.Destination} is still {plan.After.Verdict}"
                + (plan.After.BlockedAt is null ? "" : $" at {plan.After.BlockedAt} ({plan.After.Reason})") + $": {string.Join("; ", plan.Notes)}");
    }
}
