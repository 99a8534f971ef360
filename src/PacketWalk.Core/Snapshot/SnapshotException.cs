namespace PacketWalk.Core.Snapshot;

/// <summary>
/// Bad snapshot input. <see cref="ErrorId"/> is stable and becomes the cmdlet's FullyQualifiedErrorId;
/// <see cref="File"/> and <see cref="JsonPath"/> name the place so an admin can open the file and fix it.
/// </summary>
public sealed class SnapshotException : Exception
{
    public SnapshotException(string errorId, string message, string? file = null, string? jsonPath = null, Exception? inner = null)
        : base(Compose(message, file, jsonPath), inner)
    {
        ErrorId = errorId;
        File = file;
        JsonPath = jsonPath;
    }

    public string ErrorId { get; }
    public string? File { get; }
    public string? JsonPath { get; }

    private static string Compose(string message, string? file, string? path) =>
        file is null ? message : path is null ? $"{file}: {message}" : $"{file} at {path}: {message}";
}

/// <summary>Stable error ids for snapshot problems.</summary>
public static class SnapshotErrorIds
{
    public const string PathNotFound = "SnapshotPathNotFound";
    public const string MalformedJson = "SnapshotMalformedJson";
    public const string InvalidValue = "SnapshotInvalidValue";
    public const string MissingField = "SnapshotMissingField";
    public const string DanglingReference = "SnapshotDanglingReference";
    public const string DuplicateId = "SnapshotDuplicateId";
    public const string Empty = "SnapshotEmpty";
    /// <summary>Resources that each look fine but contradict one another (a route table of one VPC on a subnet of another).</summary>
    public const string Inconsistent = "SnapshotInconsistent";
}

public sealed record SnapshotWarning(string Message, string? File, string? JsonPath)
{
    public override string ToString() => File is null ? Message : JsonPath is null ? $"{File}: {Message}" : $"{File} at {JsonPath}: {Message}";
}
