using System.Management.Automation;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Shows which attachment subnet and ENI a transit gateway uses to deliver into a VPC for a packet that entered in a given Availability Zone.</para>
/// <para type="description">The transit gateway keeps traffic in the AZ it entered; it crosses only when the VPC has no attachment subnet there (CrossedAvailabilityZone). Zones compare by AZ id; an AZ name is read as the attachment's account names it, and where the attachment's subnets lack AZ ids and another account named them, AvailabilityZoneUnknown is set and the candidates are listed. With -VpcId, writes one result per VPC attachment of that VPC.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "TgwAttachmentForAz", DefaultParameterSetName = AttachmentSet)]
[OutputType(typeof(TgwAttachmentPlacement))]
public sealed class GetTgwAttachmentForAzCommand : PacketWalkCmdlet
{
    private const string AttachmentSet = "TransitGatewayAttachmentId";
    private const string VpcSet = "VpcId";
    public const string AttachmentNotFoundId = "PacketWalkTransitGatewayAttachmentNotFound";
    public const string NotVpcAttachmentId = "PacketWalkNotVpcAttachment";
    public const string VpcAttachmentNotFoundId = "PacketWalkVpcAttachmentNotFound";

    [Parameter(Mandatory = true, ParameterSetName = AttachmentSet, ValueFromPipelineByPropertyName = true)]
    [Alias("TransitGatewayAttachmentIds")]
    [ArgumentCompleter(typeof(TransitGatewayAttachmentIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] TransitGatewayAttachmentId { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = VpcSet)]
    [Alias("VpcIds")]
    [ArgumentCompleter(typeof(VpcIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] VpcId { get; set; } = Array.Empty<string>();

    /// <summary>The AZ the packet entered the transit gateway in: a name (us-east-1b) or an AZ id (use1-az2).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AvailabilityZoneCompleter))]
    [ValidateNotNullOrEmpty]
    public string AvailabilityZone { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [SnapshotTransformation]
    [ValidateNotNull]
    public object Snapshot { get; set; } = null!;

    protected override void ProcessRecord()
    {
        var snapshot = ResolveSnapshot(Snapshot);
        var model = snapshot.Model;
        // A name is read in the mapping of the account that named each attachment's subnets; an AZ id is the same zone in
        // every account (R-AZ-1), so it is passed as given.
        var az = AvailabilityZone;

        if (ParameterSetName == VpcSet)
        {
            foreach (var vpc in VpcId)
            {
                var attachments = model.VpcAttachmentsOfVpc(vpc);
                if (attachments.Count == 0)
                {
                    WriteError(InputError(VpcAttachmentNotFoundId, ErrorCategory.ObjectNotFound,
                        $"VPC {vpc} has no transit gateway VPC attachment in the snapshot.", vpc));
                    continue;
                }
                foreach (var attachment in attachments) Write(() => TgwAttachmentSelector.ForDelivery(model, attachment, az), attachment.TransitGatewayAttachmentId);
            }
            return;
        }

        foreach (var id in TransitGatewayAttachmentId)
        {
            if (model.TransitGatewayVpcAttachments.TryGetValue(id, out var attachment))
            {
                Write(() => TgwAttachmentSelector.ForDelivery(model, attachment, az), id);
            }
            else if (model.TransitGatewayAttachments.TryGetValue(id, out var other))
            {
                WriteError(InputError(NotVpcAttachmentId, ErrorCategory.InvalidArgument,
                    $"{id} is a {other.ResourceType} attachment; only VPC attachments have per-AZ subnets.", id));
            }
            else
            {
                WriteError(InputError(AttachmentNotFoundId, ErrorCategory.ObjectNotFound,
                    $"Transit gateway attachment {id} is not in the snapshot.", id));
            }
        }
    }

    private void Write(Func<TgwAttachmentPlacement> select, string target)
    {
        TgwAttachmentPlacement placement;
        try { placement = select(); }
        catch (Exception ex) when (!IsFatal(ex)) { ThrowInternal(ex, target); return; }
        WriteObject(placement);
    }
}
