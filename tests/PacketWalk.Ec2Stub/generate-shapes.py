#!/usr/bin/env python3
"""Regenerates ec2-output-shapes.json: the XML element names (locationName) of every member of the output shapes of
the EC2 operations the stub serves, taken from botocore's EC2 service model (the model moto and the AWS CLI use).
The stub writes EC2 Query-API XML with these names, so the SDK unmarshals it exactly as it would AWS's.
Run: python3 generate-shapes.py > ec2-output-shapes.json"""
import gzip, json, os, sys
import botocore

folder = os.path.join(os.path.dirname(botocore.__file__), 'data', 'ec2', '2016-11-15')
name = next(f for f in os.listdir(folder) if f.startswith('service-2'))
path = os.path.join(folder, name)
model = json.load(gzip.open(path) if name.endswith('.gz') else open(path))
operations = ['DescribeInstances', 'DescribeNetworkInterfaces', 'DescribeVpcs', 'DescribeSubnets', 'DescribeRouteTables',
              'DescribeNetworkAcls', 'DescribeSecurityGroups', 'DescribeTransitGateways', 'DescribeTransitGatewayAttachments',
              'DescribeTransitGatewayVpcAttachments', 'DescribeTransitGatewayRouteTables', 'SearchTransitGatewayRoutes',
              'GetTransitGatewayRouteTablePropagations', 'DescribeManagedPrefixLists', 'GetManagedPrefixListEntries',
              'DescribePrefixLists', 'DescribeVpcPeeringConnections', 'DescribeInternetGateways',
              'DescribeEgressOnlyInternetGateways', 'DescribeNatGateways', 'DescribeVpcEndpoints', 'DescribeAddresses',
              'DescribeVpnGateways', 'DescribeVpnConnections', 'DescribeTransitGatewayPeeringAttachments',
              'GetTransitGatewayPrefixListReferences', 'DescribeTransitGatewayPolicyTables',
              'GetTransitGatewayPolicyTableEntries', 'GetTransitGatewayPolicyTableAssociations',
              'DescribeVpcBlockPublicAccessOptions', 'DescribeVpcBlockPublicAccessExclusions']
shapes, seen = model['shapes'], {}

def walk(shape):
    if shape in seen:
        return
    s = shapes[shape]
    if s['type'] == 'structure':
        seen[shape] = {'members': {k: [v['shape'], v.get('locationName', k[0].lower() + k[1:])] for k, v in s['members'].items()}}
        for v in s['members'].values():
            walk(v['shape'])
    elif s['type'] == 'list':
        seen[shape] = {'list': s['member']['shape']}
        walk(s['member']['shape'])
    else:
        seen[shape] = {'type': s['type']}

for op in operations:
    walk(model['operations'][op]['output']['shape'])
# Members the AWS SDK for .NET PacketWalk ships (AWSSDK.EC2 4.0.132.2) has and this botocore's model does not: added so
# the stub serves what the shipped SDK reads (XML names follow EC2's camelCase convention).
SUPPLEMENT = {'TransitGatewayPolicyTableEntry': {'State': ['TransitGatewayPolicyTableEntryState', 'state']}}
for shape, members in SUPPLEMENT.items():
    if shape in seen:
        for name, (member_shape, location) in members.items():
            seen[shape]['members'].setdefault(name, [member_shape, location])
            seen.setdefault(member_shape, {'type': 'string'})
json.dump({'source': f"botocore {botocore.__version__} ec2 2016-11-15",
           'operations': {op: model['operations'][op]['output']['shape'] for op in operations},
           'shapes': dict(sorted(seen.items()))}, sys.stdout, separators=(',', ':'), sort_keys=False)
