using System.Collections;
using System.Management.Automation;
using System.Net;

namespace PacketWalk.PowerShell;

/// <summary>
/// Turns a -Source/-Destination value into endpoint ids the engine understands (instance id, ENI id or IP address).
/// Accepts strings, IP addresses, and objects carrying InstanceId / NetworkInterfaceId / PrivateIpAddress properties
/// (AWS.Tools' Instance and NetworkInterface, PacketWalk hops, PSCustomObjects, hashtables), PSObject-wrapped or not.
/// A Reservation (AWS.Tools' Get-EC2Instance output) expands to its instances.
/// </summary>
public static class EndpointArgument
{
    private static readonly string[] IdProperties = { "InstanceId", "NetworkInterfaceId", "PrivateIpAddress" };

    /// <param name="value">The bound parameter value.</param>
    /// <param name="ownProperty">The parameter's own name ("Source"): a piped row with that column is read first.</param>
    public static IReadOnlyList<string> ToIds(object? value, string? ownProperty = null)
    {
        var ids = new List<string>();
        Collect(value, ownProperty, ids, depth: 0);
        return ids;
    }

    private static void Collect(object? value, string? ownProperty, List<string> ids, int depth)
    {
        if (depth > 4 || value is null) return;
        var baseObject = value is PSObject pso ? pso.BaseObject : value;
        switch (baseObject)
        {
            case string s:
                if (!string.IsNullOrWhiteSpace(s)) ids.Add(s.Trim());
                return;
            case IPAddress ip:
                ids.Add(ip.ToString());
                return;
            case IDictionary dict:
                foreach (var name in Names(ownProperty))
                    foreach (DictionaryEntry e in dict)
                        if (e.Key is string k && string.Equals(k, name, StringComparison.OrdinalIgnoreCase) && HasValue(e.Value))
                        {
                            Collect(e.Value, null, ids, depth + 1);
                            return;
                        }
                return;
            case IEnumerable items:
                foreach (var item in items) Collect(item, ownProperty, ids, depth + 1);
                return;
        }

        var wrapped = value as PSObject ?? PSObject.AsPSObject(value);
        foreach (var name in Names(ownProperty))
        {
            var v = wrapped.Properties[name]?.Value;
            if (HasValue(v)) { Collect(v, null, ids, depth + 1); return; }
        }
        // A Reservation from Get-EC2Instance: walk from each of its instances.
        if (wrapped.Properties["Instances"]?.Value is IEnumerable instances and not string)
        {
            foreach (var i in instances) Collect(i, null, ids, depth + 1);
            return;
        }
        // Unknown shape: let the engine report it as an endpoint it cannot find.
        var text = baseObject.ToString();
        if (!string.IsNullOrWhiteSpace(text)) ids.Add(text!);
    }

    private static IEnumerable<string> Names(string? ownProperty) =>
        ownProperty is null ? IdProperties : new[] { ownProperty }.Concat(IdProperties);

    private static bool HasValue(object? v)
    {
        var b = v is PSObject p ? p.BaseObject : v;
        return b switch
        {
            null => false,
            string s => !string.IsNullOrWhiteSpace(s),
            _ => true,
        };
    }
}
