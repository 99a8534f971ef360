using System.Text.Json;
using System.Text.Json.Nodes;

namespace PacketWalk.Ec2Stub;

/// <summary>
/// The data the stub serves: per account, every top-level describe-* key of a snapshot folder merged across its files
/// (Vpcs, Reservations, TransitGatewayStaticRoutes, …), as JSON nodes. Access keys map requests to accounts: the
/// stub's AssumeRole hands out keys that map to the role's account; any other key is the default account.
/// </summary>
public sealed class StubEstate
{
    private readonly Dictionary<string, Dictionary<string, List<JsonObject>>> _accounts = new(StringComparer.Ordinal);
    /// <summary>The region folder an item was read from (aws_configs/…/&lt;region&gt;/); items without one are served in every region.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonObject, string> _regions = new();
    private readonly Dictionary<string, string> _accountByAccessKey = new(StringComparer.Ordinal);

    public StubEstate(string defaultAccount) => DefaultAccount = defaultAccount;

    public string DefaultAccount { get; }

    public IReadOnlyCollection<string> Accounts => _accounts.Keys;

    /// <summary>Reads every .json file under <paramref name="snapshotFolder"/> into <paramref name="account"/>.</summary>
    public StubEstate AddSnapshot(string account, string snapshotFolder)
    {
        var files = File.Exists(snapshotFolder) ? new[] { snapshotFolder }
            : Directory.EnumerateFiles(snapshotFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        foreach (var file in files)
        {
            if (Path.GetFileName(file).StartsWith('.')) continue;
            if (JsonNode.Parse(File.ReadAllText(file)) is not JsonObject root) continue;
            var region = Path.GetRelativePath(snapshotFolder, Path.GetDirectoryName(file) ?? "").Split('/', '\\').LastOrDefault(IsRegion);
            foreach (var (key, value) in root)
                // A describe call that answers one object (describe-vpc-block-public-access-options) is served as one item.
                if (value is JsonArray or JsonObject)
                {
                    var copies = (value is JsonArray items ? items.OfType<JsonObject>() : new[] { (JsonObject)value }).Select(i => (JsonObject)i.DeepClone()).ToList();
                    if (region is not null) foreach (var c in copies) _regions.AddOrUpdate(c, region);
                    AddItems(account, Pascal(key), copies);
                }
        }
        if (!_accounts.ContainsKey(account)) _accounts[account] = new(StringComparer.Ordinal);
        return this;
    }

    public void AddItems(string account, string key, IEnumerable<JsonObject> items)
    {
        if (!_accounts.TryGetValue(account, out var kinds)) _accounts[account] = kinds = new(StringComparer.Ordinal);
        if (!kinds.TryGetValue(key, out var list)) kinds[key] = list = new List<JsonObject>();
        list.AddRange(items);
    }

    /// <summary>The items of one key in one account (empty when absent), of every region.</summary>
    public IReadOnlyList<JsonObject> Items(string account, string key) =>
        _accounts.TryGetValue(account, out var kinds) && kinds.TryGetValue(key, out var list) ? list : Array.Empty<JsonObject>();

    /// <summary>The items one region serves: those read from that region's folder and those from no region folder.</summary>
    public IReadOnlyList<JsonObject> Items(string account, string key, string? region) =>
        region is null ? Items(account, key) : Items(account, key).Where(i => !_regions.TryGetValue(i, out var r) || r == region).ToList();

    private static bool IsRegion(string segment) =>
        System.Text.RegularExpressions.Regex.IsMatch(segment, @"^[a-z]{2}(-[a-z]+)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$");

    public bool HasAccount(string account) => _accounts.ContainsKey(account);

    public void MapAccessKey(string accessKeyId, string account)
    {
        lock (_accountByAccessKey) _accountByAccessKey[accessKeyId] = account;
    }

    public string AccountFor(string? accessKeyId)
    {
        lock (_accountByAccessKey)
            return accessKeyId is not null && _accountByAccessKey.TryGetValue(accessKeyId, out var a) ? a : DefaultAccount;
    }

    private static string Pascal(string key) => key.Length > 0 && char.IsLower(key[0]) ? char.ToUpperInvariant(key[0]) + key[1..] : key;

    internal static JsonSerializerOptions Compact { get; } = new() { WriteIndented = false };
}
