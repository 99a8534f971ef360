using System.Text.Json;
using System.Text.Json.Nodes;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Aws;

/// <summary>
/// What a live read collected: one describe-* document per account, region and kind, exactly as the AWS CLI would have
/// printed it, plus the kinds that could not be read and the call counts. <see cref="BuildModel"/> reads the documents
/// with the snapshot reader; <see cref="SnapshotWriter"/> writes the same documents to files.
/// </summary>
public sealed class LiveEstate
{
    internal LiveEstate(IReadOnlyList<LiveDocument> documents, IReadOnlyList<UnreadableResource> unreadable, int apiCalls, IReadOnlyList<SentRequest> sent,
        IReadOnlyList<string> warnings, TimeSpan elapsed)
    {
        Documents = documents;
        Unreadable = unreadable;
        ApiCalls = apiCalls;
        SentRequests = sent;
        Warnings = warnings;
        Elapsed = elapsed;
    }

    public IReadOnlyList<LiveDocument> Documents { get; }
    public IReadOnlyList<UnreadableResource> Unreadable { get; }
    /// <summary>API calls made (each page counts once; SDK retries do not).</summary>
    public int ApiCalls { get; }
    /// <summary>Every attempt that went on the wire, retries included.</summary>
    public IReadOnlyList<SentRequest> SentRequests { get; }

    /// <summary>
    /// API calls per operation (DescribeInstances 1, DescribeVpcs 1, …), sorted by name: first attempts only, so SDK
    /// retries are not counted and, for a read that was not cancelled, the counts add up to <see cref="ApiCalls"/>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, int>> CallsByOperation =>
        SentRequests.Where(r => r.Attempt == 0).GroupBy(r => r.Operation, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
    public IReadOnlyList<string> Warnings { get; }
    public TimeSpan Elapsed { get; }

    /// <summary>Reads the documents into a model, as the snapshot reader reads files; refused kinds are recorded on it.</summary>
    public NetworkModel BuildModel(string sourceDescription)
    {
        var builder = new NetworkModelBuilder();
        foreach (var doc in Documents)
            SnapshotReader.ReadJson(builder, doc.ToJson(), doc.SourceName, doc.AccountId, doc.Region);
        builder.Unreadable.AddRange(Unreadable);
        builder.SourceDescription = sourceDescription;
        return builder.Build();
    }
}

/// <summary>One describe-* output: <c>{"Vpcs": [...]}</c> for one account and region.</summary>
public sealed class LiveDocument
{
    internal LiveDocument(string? accountId, string region, string key, string fileName, JsonArray items)
    {
        AccountId = accountId;
        Region = region;
        Key = key;
        FileName = fileName;
        Items = items;
    }

    public string? AccountId { get; }
    public string Region { get; }
    /// <summary>The top-level key, as the CLI prints it (Vpcs, Reservations, TransitGatewayStaticRoutes, …).</summary>
    public string Key { get; }
    /// <summary>The file the export writes it to (Vpcs.json, ManagedPrefixLists.json, …).</summary>
    public string FileName { get; }
    public JsonArray Items { get; }

    /// <summary>How the document is named in the model's origins and in reader errors: "live 111122223333/us-east-1/Vpcs.json".</summary>
    public string SourceName => $"live {AccountId ?? "-"}/{Region}/{FileName}";

    public string ToJson(bool indented = false) =>
        new JsonObject { [Key] = Items.DeepClone() }.ToJsonString(new JsonSerializerOptions { WriteIndented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>Collects items per (account, region, kind), once per id, in the order they arrived.</summary>
internal sealed class DocumentSet
{
    private readonly object _gate = new();
    private readonly Dictionary<(string? Account, string Region, string Key), (string FileName, JsonArray Items, Dictionary<string, JsonObject> ById)> _docs = new();
    private readonly List<(string? Account, string Region, string Key)> _order = new();

    /// <summary>Marks a kind as read (so the export writes it even when empty).</summary>
    public void Touch(string? account, string region, string key, string fileName)
    {
        lock (_gate) Get(account, region, key, fileName);
    }

    public void Add(string? account, string region, string key, string fileName, string? idProperty, IEnumerable<JsonNode?> items)
    {
        lock (_gate)
        {
            var doc = Get(account, region, key, fileName);
            foreach (var item in items)
            {
                if (item is not JsonObject obj) continue;
                var id = idProperty is null ? null : string.Join("|", idProperty.Split('|').Select(p => obj[p] is JsonValue v && v.TryGetValue<string>(out var t) ? t : ""));
                if (id is not null && doc.ById.TryGetValue(id, out var existing))
                {
                    if (key == "Reservations") MergeInstances(existing, obj);
                    continue;
                }
                doc.Items.Add(obj);
                if (id is not null) doc.ById[id] = obj;
            }
        }
    }

    /// <summary>The same reservation read twice (two filters) may carry different instances: keep each once.</summary>
    private static void MergeInstances(JsonObject existing, JsonObject more)
    {
        if (existing["Instances"] is not JsonArray have || more["Instances"] is not JsonArray extra) return;
        var ids = have.OfType<JsonObject>().Select(i => i["InstanceId"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var i in extra.OfType<JsonObject>().ToList())
            if (ids.Add(i["InstanceId"]?.GetValue<string>()))
                have.Add(i.DeepClone());
    }

    private (string FileName, JsonArray Items, Dictionary<string, JsonObject> ById) Get(string? account, string region, string key, string fileName)
    {
        var k = (account, region, key);
        if (!_docs.TryGetValue(k, out var doc))
        {
            doc = (fileName, new JsonArray(), new Dictionary<string, JsonObject>(StringComparer.Ordinal));
            _docs[k] = doc;
            _order.Add(k);
        }
        return doc;
    }

    public IReadOnlyList<LiveDocument> ToDocuments()
    {
        lock (_gate)
            return _order.Select(k => new LiveDocument(k.Account, k.Region, k.Key, _docs[k].FileName, _docs[k].Items)).ToList();
    }

    /// <summary>Every item of one kind across accounts and regions.</summary>
    public IReadOnlyList<JsonObject> Items(string key)
    {
        lock (_gate)
            return _docs.Where(kv => kv.Key.Key == key).SelectMany(kv => kv.Value.Items.OfType<JsonObject>()).ToList();
    }
}
