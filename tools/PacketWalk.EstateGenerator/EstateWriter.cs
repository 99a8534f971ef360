using System.Text.Encodings.Web;
using System.Text.Json;

namespace PacketWalk.EstateGenerator;

/// <summary>
/// Writes a plan as AWS CLI output (indented, PascalCase, the fields describe-* prints) under
/// <c>aws_configs/accounts/&lt;account&gt;/&lt;region&gt;/</c>: each workload account sees its own VPCs, subnets,
/// instances, ENIs (including the TGW attachment ENIs in its subnets), route tables, NACLs, security groups, peering,
/// endpoints and prefix lists, plus the shared TGW; the network account holds the TGWs, their route tables, routes,
/// propagations and attachments.
/// </summary>
internal sealed class EstateWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private const string Time = "2024-03-01T09:00:00+00:00";
    private readonly EstatePlan _plan;
    public long BytesWritten { get; private set; }
    public int FilesWritten { get; private set; }

    public EstateWriter(EstatePlan plan) => _plan = plan;

    public void Write(string snapshotRoot)
    {
        foreach (var region in _plan.Regions)
        {
            foreach (var account in _plan.WorkloadAccounts)
            {
                var vpcs = region.Vpcs.Where(v => v.Account == account).ToList();
                if (vpcs.Count == 0) continue;
                var folder = Folder(snapshotRoot, account, region);
                WriteAccountRegion(folder, account, region, vpcs);
            }
            WriteNetworkAccount(Folder(snapshotRoot, _plan.NetworkAccount, region), region);
        }
    }

    private static string Folder(string root, string account, PlanRegion region)
    {
        var folder = Path.Combine(root, "aws_configs", "accounts", account, region.Spec.Name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private void File(string folder, string name, Action<Utf8JsonWriter> body)
    {
        var path = Path.Combine(folder, name);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        BytesWritten += new FileInfo(path).Length;
        FilesWritten++;
    }

    private static void Tags(Utf8JsonWriter w, string name, string property = "Tags")
    {
        w.WriteStartArray(property);
        w.WriteStartObject(); w.WriteString("Key", "Name"); w.WriteString("Value", name); w.WriteEndObject();
        w.WriteEndArray();
    }

    private void WriteAccountRegion(string folder, string account, PlanRegion region, List<PlanVpc> vpcs)
    {
        File(folder, "Vpcs.json", w =>
        {
            w.WriteStartArray("Vpcs");
            foreach (var v in vpcs)
            {
                w.WriteStartObject();
                w.WriteString("CidrBlock", v.Cidr.ToString());
                w.WriteString("DhcpOptionsId", "dopt-0" + v.Id[5..]);
                w.WriteString("State", "available");
                w.WriteString("VpcId", v.Id);
                w.WriteString("OwnerId", account);
                w.WriteString("InstanceTenancy", "default");
                w.WriteStartArray("CidrBlockAssociationSet");
                w.WriteStartObject();
                w.WriteString("AssociationId", "vpc-cidr-assoc-0" + v.Id[5..]);
                w.WriteString("CidrBlock", v.Cidr.ToString());
                w.WriteStartObject("CidrBlockState"); w.WriteString("State", "associated"); w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteBoolean("IsDefault", false);
                Tags(w, v.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

        File(folder, "Subnets.json", w =>
        {
            w.WriteStartArray("Subnets");
            foreach (var v in vpcs)
                foreach (var s in v.WorkloadSubnets.Concat(v.AttachmentSubnets))
                {
                    w.WriteStartObject();
                    w.WriteString("AvailabilityZone", region.Az(s.Az));
                    w.WriteString("AvailabilityZoneId", region.AzId(s.Az));
                    w.WriteNumber("AvailableIpAddressCount", (int)s.Cidr.Size - 5);
                    w.WriteString("CidrBlock", s.Cidr.ToString());
                    w.WriteBoolean("DefaultForAz", false);
                    w.WriteBoolean("MapPublicIpOnLaunch", false);
                    w.WriteString("State", "available");
                    w.WriteString("SubnetId", s.Id);
                    w.WriteString("VpcId", v.Id);
                    w.WriteString("OwnerId", account);
                    w.WriteBoolean("AssignIpv6AddressOnCreation", false);
                    w.WriteStartArray("Ipv6CidrBlockAssociationSet"); w.WriteEndArray();
                    Tags(w, s.Name);
                    w.WriteString("SubnetArn", $"arn:aws:ec2:{region.Spec.Name}:{account}:subnet/{s.Id}");
                    w.WriteEndObject();
                }
            w.WriteEndArray();
        });

        File(folder, "RouteTables.json", w =>
        {
            w.WriteStartArray("RouteTables");
            foreach (var v in vpcs)
                foreach (var rt in v.RouteTables)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("Associations");
                    if (rt.Main) Association(w, rt, null, true);
                    foreach (var s in rt.SubnetIds) Association(w, rt, s, false);
                    w.WriteEndArray();
                    w.WriteStartArray("PropagatingVgws"); w.WriteEndArray();
                    w.WriteString("RouteTableId", rt.Id);
                    w.WriteStartArray("Routes");
                    foreach (var r in rt.Routes)
                    {
                        w.WriteStartObject();
                        w.WriteString(r.IsPrefixList ? "DestinationPrefixListId" : "DestinationCidrBlock", r.Destination);
                        w.WriteString(r.TargetKey, r.TargetId);
                        w.WriteString("Origin", r.Origin);
                        w.WriteString("State", "active");
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    Tags(w, rt.Name);
                    w.WriteString("VpcId", v.Id);
                    w.WriteString("OwnerId", account);
                    w.WriteEndObject();
                }
            w.WriteEndArray();
        });

        File(folder, "NetworkAcls.json", w =>
        {
            w.WriteStartArray("NetworkAcls");
            foreach (var v in vpcs)
                foreach (var acl in v.Acls)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("Associations");
                    foreach (var s in acl.SubnetIds)
                    {
                        w.WriteStartObject();
                        w.WriteString("NetworkAclAssociationId", "aclassoc-0" + s[8..]);
                        w.WriteString("NetworkAclId", acl.Id);
                        w.WriteString("SubnetId", s);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("Entries");
                    foreach (var e in acl.Entries)
                    {
                        w.WriteStartObject();
                        w.WriteString("CidrBlock", e.Cidr);
                        w.WriteBoolean("Egress", e.Egress);
                        if (e.Icmp)
                        {
                            w.WriteStartObject("IcmpTypeCode"); w.WriteNumber("Code", e.ToPort ?? -1); w.WriteNumber("Type", e.FromPort ?? -1); w.WriteEndObject();
                        }
                        else if (e.FromPort is { } from)
                        {
                            w.WriteStartObject("PortRange"); w.WriteNumber("From", from); w.WriteNumber("To", e.ToPort ?? from); w.WriteEndObject();
                        }
                        w.WriteString("Protocol", e.Protocol);
                        w.WriteString("RuleAction", e.Allow ? "allow" : "deny");
                        w.WriteNumber("RuleNumber", e.RuleNumber);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteBoolean("IsDefault", acl.IsDefault);
                    w.WriteString("NetworkAclId", acl.Id);
                    w.WriteStartArray("Tags"); w.WriteEndArray();
                    w.WriteString("VpcId", v.Id);
                    w.WriteString("OwnerId", account);
                    w.WriteEndObject();
                }
            w.WriteEndArray();
        });

        File(folder, "SecurityGroups.json", w =>
        {
            w.WriteStartArray("SecurityGroups");
            foreach (var v in vpcs)
                foreach (var g in v.Groups)
                {
                    w.WriteStartObject();
                    w.WriteString("Description", g.Description);
                    w.WriteString("GroupName", g.Name);
                    Permissions(w, "IpPermissions", g.Ingress, account);
                    w.WriteString("OwnerId", account);
                    w.WriteString("GroupId", g.Id);
                    Permissions(w, "IpPermissionsEgress", g.Egress, account);
                    w.WriteStartArray("Tags"); w.WriteEndArray();
                    w.WriteString("VpcId", v.Id);
                    w.WriteString("SecurityGroupArn", $"arn:aws:ec2:{region.Spec.Name}:{account}:security-group/{g.Id}");
                    w.WriteEndObject();
                }
            w.WriteEndArray();
        });

        File(folder, "Reservations.json", w =>
        {
            w.WriteStartArray("Reservations");
            foreach (var v in vpcs)
                foreach (var i in v.Instances)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("Groups"); w.WriteEndArray();
                    w.WriteStartArray("Instances");
                    Instance(w, v, i, region, account);
                    w.WriteEndArray();
                    w.WriteString("OwnerId", account);
                    w.WriteString("ReservationId", "r-0" + i.Id[3..]);
                    w.WriteEndObject();
                }
            w.WriteEndArray();
        });

        File(folder, "NetworkInterfaces.json", w =>
        {
            w.WriteStartArray("NetworkInterfaces");
            foreach (var v in vpcs)
                foreach (var e in v.Enis)
                    NetworkInterface(w, v, e, region, account, embedded: false);
            w.WriteEndArray();
        });

        var peerings = _plan.Peerings.Where(p => p.Requester.Account == account && p.Requester.Region == region).ToList();
        if (peerings.Count > 0)
            File(folder, "VpcPeeringConnections.json", w =>
            {
                w.WriteStartArray("VpcPeeringConnections");
                foreach (var p in peerings)
                {
                    w.WriteStartObject();
                    PeeringSide(w, "AccepterVpcInfo", p.Accepter);
                    w.WriteStartObject("RequesterVpcInfo");
                    PeeringSideBody(w, p.Requester);
                    w.WriteEndObject();
                    w.WriteStartObject("Status"); w.WriteString("Code", "active"); w.WriteString("Message", "Active"); w.WriteEndObject();
                    w.WriteStartArray("Tags"); w.WriteEndArray();
                    w.WriteString("VpcPeeringConnectionId", p.Id);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });

        File(folder, "VpcEndpoints.json", w =>
        {
            w.WriteStartArray("VpcEndpoints");
            foreach (var v in vpcs)
            {
                w.WriteStartObject();
                w.WriteString("VpcEndpointId", v.S3EndpointId);
                w.WriteString("VpcEndpointType", "Gateway");
                w.WriteString("VpcId", v.Id);
                w.WriteString("ServiceName", $"com.amazonaws.{region.Spec.Name}.s3");
                w.WriteString("State", "available");
                w.WriteString("PolicyDocument", "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
                w.WriteStartArray("RouteTableIds"); w.WriteStringValue(v.WorkloadRouteTable.Id); w.WriteEndArray();
                w.WriteStartArray("SubnetIds"); w.WriteEndArray();
                w.WriteStartArray("Groups"); w.WriteEndArray();
                w.WriteStartArray("NetworkInterfaceIds"); w.WriteEndArray();
                w.WriteString("OwnerId", account);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

        WritePrefixLists(folder, account, region);
        WriteTransitGateway(folder, region); // the shared TGW as a participant account sees it
    }

    private void WritePrefixLists(string folder, string account, PlanRegion region)
    {
        var mgmt = _plan.MgmtPrefixLists[(account, region.Spec.Name)];
        File(folder, "PrefixLists.json", w =>
        {
            w.WriteStartArray("PrefixLists");
            w.WriteStartObject();
            w.WriteStartArray("Cidrs");
            foreach (var c in _plan.S3Cidrs) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("PrefixListId", region.S3PrefixListId);
            w.WriteString("PrefixListName", $"com.amazonaws.{region.Spec.Name}.s3");
            w.WriteEndObject();
            w.WriteEndArray();
        });
        File(folder, "ManagedPrefixLists.json", w =>
        {
            w.WriteStartArray("PrefixLists");
            w.WriteStartObject();
            w.WriteString("PrefixListId", mgmt);
            w.WriteString("AddressFamily", "IPv4");
            w.WriteString("State", "create-complete");
            w.WriteString("PrefixListArn", $"arn:aws:ec2:{region.Spec.Name}:{account}:prefix-list/{mgmt}");
            w.WriteString("PrefixListName", "corporate-management");
            w.WriteNumber("MaxEntries", 20);
            w.WriteNumber("Version", 3);
            w.WriteString("OwnerId", account);
            w.WriteEndObject();
            w.WriteEndArray();
        });
        File(folder, "PrefixListEntries.json", w =>
        {
            w.WriteStartArray("PrefixListEntries");
            w.WriteStartObject();
            w.WriteString("PrefixListId", mgmt);
            w.WriteStartArray("Entries");
            foreach (var c in _plan.MgmtCidrs)
            {
                w.WriteStartObject(); w.WriteString("Cidr", c); w.WriteString("Description", "corporate management network"); w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private static void Association(Utf8JsonWriter w, PlanRouteTable rt, string? subnetId, bool main)
    {
        w.WriteStartObject();
        w.WriteBoolean("Main", main);
        w.WriteString("RouteTableAssociationId", "rtbassoc-0" + (subnetId ?? rt.Id)[^16..]);
        w.WriteString("RouteTableId", rt.Id);
        if (subnetId is not null) w.WriteString("SubnetId", subnetId);
        w.WriteStartObject("AssociationState"); w.WriteString("State", "associated"); w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Permissions(Utf8JsonWriter w, string name, List<Permission> permissions, string account)
    {
        w.WriteStartArray(name);
        foreach (var p in permissions)
        {
            w.WriteStartObject();
            if (p.FromPort is { } from) w.WriteNumber("FromPort", from);
            w.WriteString("IpProtocol", p.Protocol);
            w.WriteStartArray("IpRanges");
            foreach (var c in p.Cidrs) { w.WriteStartObject(); w.WriteString("CidrIp", c); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteStartArray("Ipv6Ranges"); w.WriteEndArray();
            w.WriteStartArray("PrefixListIds");
            foreach (var pl in p.PrefixListIds) { w.WriteStartObject(); w.WriteString("PrefixListId", pl); w.WriteEndObject(); }
            w.WriteEndArray();
            if (p.ToPort is { } to) w.WriteNumber("ToPort", to);
            w.WriteStartArray("UserIdGroupPairs");
            foreach (var g in p.GroupIds) { w.WriteStartObject(); w.WriteString("GroupId", g); w.WriteString("UserId", account); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string Dns(uint ip, PlanRegion region) =>
        $"ip-{Address.Text(ip).Replace('.', '-')}.{(region.Spec.Name == "us-east-1" ? "ec2.internal" : region.Spec.Name + ".compute.internal")}";

    private void Instance(Utf8JsonWriter w, PlanVpc v, PlanInstance i, PlanRegion region, string account)
    {
        var primary = i.Enis[0];
        w.WriteStartObject();
        w.WriteNumber("AmiLaunchIndex", 0);
        w.WriteString("ImageId", i.Windows ? "ami-0f9c44e98edf38a2b" : "ami-0b5eea76982371e91");
        w.WriteString("InstanceId", i.Id);
        w.WriteString("InstanceType", "m6i.large");
        w.WriteString("LaunchTime", Time);
        w.WriteStartObject("Monitoring"); w.WriteString("State", "disabled"); w.WriteEndObject();
        w.WriteStartObject("Placement"); w.WriteString("AvailabilityZone", region.Az(i.Subnet.Az)); w.WriteString("GroupName", ""); w.WriteString("Tenancy", "default"); w.WriteEndObject();
        if (i.Windows) w.WriteString("Platform", "windows");
        w.WriteString("PrivateDnsName", Dns(primary.Ip, region));
        w.WriteString("PrivateIpAddress", Address.Text(primary.Ip));
        w.WriteStartArray("ProductCodes"); w.WriteEndArray();
        w.WriteString("PublicDnsName", "");
        w.WriteStartObject("State"); w.WriteNumber("Code", 16); w.WriteString("Name", "running"); w.WriteEndObject();
        w.WriteString("StateTransitionReason", "");
        w.WriteString("SubnetId", i.Subnet.Id);
        w.WriteString("VpcId", v.Id);
        w.WriteString("Architecture", "x86_64");
        w.WriteStartArray("BlockDeviceMappings");
        w.WriteStartObject();
        w.WriteString("DeviceName", i.Windows ? "/dev/sda1" : "/dev/xvda");
        w.WriteStartObject("Ebs"); w.WriteString("AttachTime", Time); w.WriteBoolean("DeleteOnTermination", true); w.WriteString("Status", "attached"); w.WriteString("VolumeId", "vol-0" + i.Id[3..]); w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteBoolean("EbsOptimized", true);
        w.WriteBoolean("EnaSupport", true);
        w.WriteString("Hypervisor", "xen");
        w.WriteStartArray("NetworkInterfaces");
        foreach (var e in i.Enis) NetworkInterface(w, v, e, region, account, embedded: true);
        w.WriteEndArray();
        w.WriteString("RootDeviceName", i.Windows ? "/dev/sda1" : "/dev/xvda");
        w.WriteString("RootDeviceType", "ebs");
        w.WriteStartArray("SecurityGroups");
        foreach (var g in primary.Groups) { w.WriteStartObject(); w.WriteString("GroupName", g.Name); w.WriteString("GroupId", g.Id); w.WriteEndObject(); }
        w.WriteEndArray();
        w.WriteBoolean("SourceDestCheck", true);
        Tags(w, i.Name);
        w.WriteString("VirtualizationType", "hvm");
        if (i.Windows) w.WriteString("PlatformDetails", "Windows");
        else w.WriteString("PlatformDetails", "Linux/UNIX");
        w.WriteEndObject();
    }

    private void NetworkInterface(Utf8JsonWriter w, PlanVpc v, PlanEni e, PlanRegion region, string account, bool embedded)
    {
        w.WriteStartObject();
        if (e.InstanceId is not null)
        {
            w.WriteStartObject("Attachment");
            w.WriteString("AttachTime", Time);
            w.WriteString("AttachmentId", "eni-attach-0" + e.Id[5..]);
            w.WriteBoolean("DeleteOnTermination", e.DeviceIndex == 0);
            w.WriteNumber("DeviceIndex", e.DeviceIndex);
            w.WriteNumber("NetworkCardIndex", 0);
            if (!embedded) { w.WriteString("InstanceId", e.InstanceId); w.WriteString("InstanceOwnerId", account); }
            w.WriteString("Status", "attached");
            w.WriteEndObject();
        }
        if (!embedded) w.WriteString("AvailabilityZone", region.Az(e.Subnet.Az));
        w.WriteString("Description", e.TgwAttachmentId is { } att ? $"Network Interface for Transit Gateway Attachment {att}" : e.DeviceIndex == 0 ? "" : "secondary interface");
        w.WriteStartArray("Groups");
        foreach (var g in e.Groups) { w.WriteStartObject(); w.WriteString("GroupName", g.Name); w.WriteString("GroupId", g.Id); w.WriteEndObject(); }
        w.WriteEndArray();
        w.WriteString("InterfaceType", e.TgwAttachmentId is null ? "interface" : "transit_gateway");
        w.WriteStartArray("Ipv6Addresses"); w.WriteEndArray();
        w.WriteString("MacAddress", e.Mac);
        w.WriteString("NetworkInterfaceId", e.Id);
        w.WriteString("OwnerId", account);
        w.WriteString("PrivateDnsName", Dns(e.Ip, region));
        w.WriteString("PrivateIpAddress", Address.Text(e.Ip));
        w.WriteStartArray("PrivateIpAddresses");
        w.WriteStartObject(); w.WriteBoolean("Primary", true); w.WriteString("PrivateDnsName", Dns(e.Ip, region)); w.WriteString("PrivateIpAddress", Address.Text(e.Ip)); w.WriteEndObject();
        w.WriteEndArray();
        if (!embedded)
        {
            w.WriteBoolean("RequesterManaged", e.TgwAttachmentId is not null);
            if (e.TgwAttachmentId is not null) w.WriteString("RequesterId", "amazon-tgw");
        }
        w.WriteBoolean("SourceDestCheck", true);
        w.WriteString("Status", "in-use");
        w.WriteString("SubnetId", e.Subnet.Id);
        if (!embedded) { w.WriteStartArray("TagSet"); w.WriteEndArray(); }
        w.WriteString("VpcId", v.Id);
        w.WriteEndObject();
    }

    private static void PeeringSide(Utf8JsonWriter w, string name, PlanVpc vpc)
    {
        w.WriteStartObject(name);
        PeeringSideBody(w, vpc);
        w.WriteEndObject();
    }

    private static void PeeringSideBody(Utf8JsonWriter w, PlanVpc vpc)
    {
        w.WriteString("CidrBlock", vpc.Cidr.ToString());
        w.WriteStartArray("CidrBlockSet"); w.WriteStartObject(); w.WriteString("CidrBlock", vpc.Cidr.ToString()); w.WriteEndObject(); w.WriteEndArray();
        w.WriteString("OwnerId", vpc.Account);
        w.WriteStartObject("PeeringOptions");
        w.WriteBoolean("AllowDnsResolutionFromRemoteVpc", false);
        w.WriteEndObject();
        w.WriteString("VpcId", vpc.Id);
        w.WriteString("Region", vpc.Region.Spec.Name);
    }

    private void WriteTransitGateway(string folder, PlanRegion region)
    {
        File(folder, "TransitGateways.json", w =>
        {
            w.WriteStartArray("TransitGateways");
            w.WriteStartObject();
            w.WriteString("TransitGatewayId", region.TgwId);
            w.WriteString("TransitGatewayArn", $"arn:aws:ec2:{region.Spec.Name}:{_plan.NetworkAccount}:transit-gateway/{region.TgwId}");
            w.WriteString("State", "available");
            w.WriteString("OwnerId", _plan.NetworkAccount);
            w.WriteString("Description", $"{region.Spec.Name} hub");
            w.WriteString("CreationTime", Time);
            w.WriteStartObject("Options");
            w.WriteNumber("AmazonSideAsn", 64512 + region.Index);
            w.WriteString("AutoAcceptSharedAttachments", "enable");
            w.WriteString("DefaultRouteTableAssociation", "enable");
            w.WriteString("AssociationDefaultRouteTableId", region.TgwRouteTables[0].Id);
            w.WriteString("DefaultRouteTablePropagation", "enable");
            w.WriteString("PropagationDefaultRouteTableId", region.TgwRouteTables[0].Id);
            w.WriteString("VpnEcmpSupport", "enable");
            w.WriteString("DnsSupport", "enable");
            w.WriteString("SecurityGroupReferencingSupport", region.Index % 2 == 0 ? "enable" : "disable");
            w.WriteString("MulticastSupport", "disable");
            w.WriteEndObject();
            Tags(w, $"{region.Spec.Name}-hub");
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private void WriteNetworkAccount(string folder, PlanRegion region)
    {
        WriteTransitGateway(folder, region);
        File(folder, "TransitGatewayRouteTables.json", w =>
        {
            w.WriteStartArray("TransitGatewayRouteTables");
            foreach (var rt in region.TgwRouteTables)
            {
                w.WriteStartObject();
                w.WriteString("TransitGatewayRouteTableId", rt.Id);
                w.WriteString("TransitGatewayId", region.TgwId);
                w.WriteString("State", "available");
                w.WriteBoolean("DefaultAssociationRouteTable", rt.DefaultAssociation);
                w.WriteBoolean("DefaultPropagationRouteTable", rt.DefaultAssociation);
                w.WriteString("CreationTime", Time);
                Tags(w, rt.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        var spoke = region.TgwRouteTables[0];
        File(folder, "TransitGatewayAttachments.json", w =>
        {
            w.WriteStartArray("TransitGatewayAttachments");
            foreach (var v in region.Vpcs) Attachment(w, region, v.TgwAttachmentId, "vpc", v.Id, v.Account, spoke.Id, $"{v.Name}-attachment");
            foreach (var a in region.OtherAttachments) Attachment(w, region, a.Id, a.ResourceType, a.ResourceId, a.ResourceOwner, a.RouteTableId, a.Name);
            w.WriteEndArray();
        });
        File(folder, "TransitGatewayVpcAttachments.json", w =>
        {
            w.WriteStartArray("TransitGatewayVpcAttachments");
            foreach (var v in region.Vpcs)
            {
                w.WriteStartObject();
                w.WriteString("TransitGatewayAttachmentId", v.TgwAttachmentId);
                w.WriteString("TransitGatewayId", region.TgwId);
                w.WriteString("VpcId", v.Id);
                w.WriteString("VpcOwnerId", v.Account);
                w.WriteString("State", "available");
                w.WriteStartArray("SubnetIds");
                foreach (var s in v.AttachmentSubnets) w.WriteStringValue(s.Id);
                w.WriteEndArray();
                w.WriteString("CreationTime", Time);
                w.WriteStartObject("Options");
                w.WriteString("DnsSupport", "enable");
                w.WriteString("SecurityGroupReferencingSupport", "enable");
                w.WriteString("Ipv6Support", "disable");
                w.WriteString("ApplianceModeSupport", "disable");
                w.WriteEndObject();
                Tags(w, $"{v.Name}-attachment");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        File(folder, "TransitGatewayStaticRoutes.json", w =>
        {
            w.WriteStartArray("TransitGatewayStaticRoutes");
            foreach (var rt in region.TgwRouteTables)
            {
                w.WriteStartObject();
                w.WriteString("TransitGatewayRouteTableId", rt.Id);
                w.WriteStartArray("Routes");
                foreach (var r in rt.StaticRoutes)
                {
                    w.WriteStartObject();
                    w.WriteString("DestinationCidrBlock", r.Destination);
                    w.WriteStartArray("TransitGatewayAttachments");
                    if (r.AttachmentId is not null)
                    {
                        w.WriteStartObject();
                        w.WriteString("ResourceId", r.ResourceId);
                        w.WriteString("TransitGatewayAttachmentId", r.AttachmentId);
                        w.WriteString("ResourceType", r.ResourceType);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteString("Type", "static");
                    w.WriteString("State", r.Blackhole ? "blackhole" : "active");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("AdditionalRoutesAvailable", false);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        var peerings = _plan.TgwPeerings.Where(p => p.Requester == region || p.Accepter == region).ToList();
        if (peerings.Count > 0)
            File(folder, "TransitGatewayPeeringAttachments.json", w =>
            {
                w.WriteStartArray("TransitGatewayPeeringAttachments");
                foreach (var p in peerings)
                {
                    w.WriteStartObject();
                    w.WriteString("TransitGatewayAttachmentId", p.Id);
                    foreach (var (name, side) in new[] { ("RequesterTgwInfo", p.Requester), ("AccepterTgwInfo", p.Accepter) })
                    {
                        w.WriteStartObject(name);
                        w.WriteString("TransitGatewayId", side.TgwId);
                        w.WriteString("OwnerId", _plan.NetworkAccount);
                        w.WriteString("Region", side.Spec.Name);
                        w.WriteEndObject();
                    }
                    w.WriteStartObject("Status"); w.WriteString("Code", "available"); w.WriteString("Message", "available"); w.WriteEndObject();
                    w.WriteString("State", "available");
                    w.WriteStartObject("Options"); w.WriteString("DynamicRouting", "disable"); w.WriteEndObject();
                    w.WriteString("CreationTime", Time);
                    Tags(w, $"{p.Requester.Spec.Name}-to-{p.Accepter.Spec.Name}");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        File(folder, "TransitGatewayPropagations.json", w =>
        {
            w.WriteStartArray("TransitGatewayPropagations");
            foreach (var rt in region.TgwRouteTables)
            {
                w.WriteStartObject();
                w.WriteString("TransitGatewayRouteTableId", rt.Id);
                w.WriteStartArray("TransitGatewayRouteTablePropagations");
                foreach (var v in rt.Propagations)
                {
                    w.WriteStartObject();
                    w.WriteString("TransitGatewayAttachmentId", v.TgwAttachmentId);
                    w.WriteString("ResourceId", v.Id);
                    w.WriteString("ResourceType", "vpc");
                    w.WriteString("State", "enabled");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private void Attachment(Utf8JsonWriter w, PlanRegion region, string id, string type, string resourceId, string owner, string routeTableId, string name)
    {
        w.WriteStartObject();
        w.WriteString("TransitGatewayAttachmentId", id);
        w.WriteString("TransitGatewayId", region.TgwId);
        w.WriteString("TransitGatewayOwnerId", _plan.NetworkAccount);
        w.WriteString("ResourceOwnerId", owner);
        w.WriteString("ResourceType", type);
        w.WriteString("ResourceId", resourceId);
        w.WriteString("State", "available");
        w.WriteStartObject("Association"); w.WriteString("TransitGatewayRouteTableId", routeTableId); w.WriteString("State", "associated"); w.WriteEndObject();
        w.WriteString("CreationTime", Time);
        Tags(w, name);
        w.WriteEndObject();
    }
}
