using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PacketWalk.Aws;

/// <summary>
/// Writes a <see cref="LiveEstate"/> as a snapshot folder the offline reader takes:
/// <c>&lt;path&gt;/aws_configs/accounts/&lt;account&gt;/&lt;region&gt;/&lt;Kind&gt;.json</c>, each file one describe-* output as the AWS
/// CLI prints it. Only what the API returned is written: no credential, profile, endpoint or caller identity.
/// </summary>
public static partial class SnapshotWriter
{
    /// <summary>The account folder used when a session's account could not be learned.</summary>
    public const string UnknownAccount = "unknown-account";

    /// <summary>The folder each document goes to, relative to the export root.</summary>
    public static string RelativeFolder(LiveDocument document) =>
        Path.Combine("aws_configs", "accounts", document.AccountId ?? UnknownAccount, document.Region);

    /// <summary>The files <see cref="Write"/> would write (full paths), for -WhatIf and ShouldProcess.</summary>
    public static IReadOnlyList<string> PlannedFiles(string root, LiveEstate estate) =>
        estate.Documents.Select(d => Path.Combine(root, RelativeFolder(d), d.FileName)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Writes every document; with <paramref name="redact"/> tags and descriptions are left out. Returns the files written.</summary>
    public static IReadOnlyList<string> Write(string root, LiveEstate estate, bool redact, Func<string, bool>? shouldWrite = null)
    {
        var written = new List<string>();
        foreach (var doc in estate.Documents)
        {
            var folder = Path.Combine(root, RelativeFolder(doc));
            var file = Path.Combine(folder, doc.FileName);
            if (shouldWrite is not null && !shouldWrite(file)) continue;
            Directory.CreateDirectory(folder);
            var items = (JsonArray)doc.Items.DeepClone();
            if (redact) Redact(items);
            var json = new JsonObject { [doc.Key] = items }.ToJsonString(new System.Text.Json.JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
            File.WriteAllText(file, json + "\n", new UTF8Encoding(false));
            written.Add(file);
        }
        return written;
    }

    [GeneratedRegex(@"^Network Interface for Transit Gateway Attachment tgw-attach-[0-9a-f]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TgwEniDescription();

    /// <summary>
    /// Drops every Tags list and every Description (resources, rules, entries) so a snapshot can be shared. Kept: the
    /// description AWS itself writes on transit gateway attachment ENIs, the only place the attachment id of such an
    /// ENI is recorded — without it a walk on the redacted export would differ from the live walk.
    /// </summary>
    public static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array) Redact(item);
                break;
            case JsonObject obj:
                obj.Remove("Tags");
                obj.Remove("TagSet");
                if (obj["Description"] is JsonValue d && !(d.TryGetValue<string>(out var text) && TgwEniDescription().IsMatch(text)))
                    obj.Remove("Description");
                else if (obj["Description"] is JsonObject)
                    obj.Remove("Description");
                foreach (var (_, child) in obj.ToList()) Redact(child);
                break;
        }
    }
}
