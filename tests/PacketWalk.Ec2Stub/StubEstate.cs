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
            foreach (var (key, value) in root)
                if (value is JsonArray items)
                    AddItems(account, Pascal(key), items.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
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

    /// <summary>The items of one key in one account (empty when absent).</summary>
    public IReadOnlyList<JsonObject> Items(string account, string key) =>
        _accounts.TryGetValue(account, out var kinds) && kinds.TryGetValue(key, out var list) ? list : Array.Empty<JsonObject>();

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
