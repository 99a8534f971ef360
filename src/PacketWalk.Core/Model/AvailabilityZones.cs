namespace PacketWalk.Core.Model;

// Availability Zone names are mapped to physical zones per account: account A's us-east-1a need not be account B's
// us-east-1a. AZ ids (use1-az1) are the same in every account. Two resources are in the same AZ when their AZ ids match;
// without both ids, names say so only when one account named both (R-AZ-1, docs/rulebook-additions.md).

/// <summary>How two zones compare.</summary>
public enum ZoneMatch
{
    Same,
    Different,
    /// <summary>Named by different accounts and not both carrying an AZ id: whether they are one zone cannot be told.</summary>
    Unknown,
}

/// <summary>
/// An Availability Zone as a resource records it: the name in <paramref name="NamingAccountId"/>'s mapping (empty when
/// only the id is known), and the AZ id when known. <paramref name="NamingAccountId"/> is the resource's owner account
/// (null when the snapshot names none: one account's view).
/// </summary>
public readonly record struct ZoneRef(string Name, string? Id, string? NamingAccountId)
{
    /// <summary>"us-east-1a (use1-az1)", "us-east-1a" without an id, "use1-az1" without a name.</summary>
    public string Text => Name.Length == 0 ? Id ?? "an unknown AZ" : Id is null ? Name : $"{Name} ({Id})";

    /// <summary>The name, else the id: what a user types for -AvailabilityZone.</summary>
    public string NameOrId => Name.Length > 0 ? Name : Id ?? "";

    public override string ToString() => Text;

    /// <summary>Compares by AZ id when both have one, by name when one account named both, else <see cref="ZoneMatch.Unknown"/>.</summary>
    public ZoneMatch Compare(ZoneRef other)
    {
        if (Id is { } id && other.Id is { } otherId) return string.Equals(id, otherId, StringComparison.Ordinal) ? ZoneMatch.Same : ZoneMatch.Different;
        if (Name.Length == 0 || other.Name.Length == 0) return ZoneMatch.Unknown;
        // Names are remapped only among a region's own zones: zones of different regions (or a Local Zone) never meet.
        if (!RegionPart(Name).SequenceEqual(RegionPart(other.Name))) return ZoneMatch.Different;
        if (string.Equals(NamingAccountId, other.NamingAccountId, StringComparison.Ordinal))
            return string.Equals(Name, other.Name, StringComparison.Ordinal) ? ZoneMatch.Same : ZoneMatch.Different;
        return ZoneMatch.Unknown;
    }

    /// <summary>
    /// Why <see cref="Compare"/> could not decide, for explanations: "us-east-1a of 111111111111 and us-east-1a of
    /// 222222222222 are named by different accounts and lack AZ ids".
    /// </summary>
    public string WhyUnknown(ZoneRef other)
    {
        if (Name.Length == 0 || other.Name.Length == 0)
            return $"{Text} and {other.Text} cannot be compared without both names or both AZ ids (R-AZ-1)";
        var lacking = string.Join(" and ", new[] { this, other }.Where(z => z.Id is null).Select(z => z.Describe()));
        return $"{Describe()} and {other.Describe()} are named by different accounts, which map AZ names to zones independently, and the snapshot lacks the AZ id of {lacking} (R-AZ-1)";
    }

    private string Describe() => NamingAccountId is null ? Text : $"{Text} of {NamingAccountId}";

    /// <summary>"us-east-1" of "us-east-1a": the name without its zone letter.</summary>
    private static ReadOnlySpan<char> RegionPart(string name) =>
        name.Length > 1 && char.IsAsciiLetterLower(name[^1]) ? name.AsSpan(0, name.Length - 1) : name.AsSpan();

    /// <summary>The AZ id's region prefix (use1 of use1-az3) is not the region name, so the region comes from the name.</summary>
    public string? Region => Name.Length > 1 && char.IsAsciiLetterLower(Name[^1]) && char.IsAsciiDigit(Name[^2]) ? Name[..^1] : null;
}
