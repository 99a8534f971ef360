using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PacketWalk.Core.Snapshot.Parsers;

namespace PacketWalk.Core.Snapshot;

/// <summary>
/// Reads saved <c>aws ec2 describe-*</c> output (AWS CLI <c>--output json</c> or boto3 dumps) into a <see cref="NetworkModel"/>.
/// A snapshot is a folder of JSON files, each recognised by its top-level keys rather than its name. Subfolders are read
/// too; folder names that look like a region (<c>us-east-1</c>) or an account (12 digits) become each resource's
/// <see cref="Model.ResourceOrigin"/>, which covers the Batfish layouts <c>aws_configs/&lt;region&gt;/…</c> and
/// <c>aws_configs/accounts/&lt;account&gt;/&lt;region&gt;/…</c>. Every problem with the input is a <see cref="SnapshotException"/>.
/// </summary>
public static partial class SnapshotReader
{
    /// <summary>Nesting limit for one document; describe-* output nests about 8 deep.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Reads folders or single .json files; several paths merge into one estate.</summary>
    public static NetworkModel Read(params string[] paths) => Read(paths, null);

    /// <summary>Reads folders or single .json files into one estate, reporting each warning as it is found.</summary>
    public static NetworkModel Read(IEnumerable<string> paths, Action<SnapshotWarning>? onWarning)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = paths.ToList();
        if (list.Count == 0) throw new SnapshotException(SnapshotErrorIds.PathNotFound, "no snapshot path given");
        using var region = LoadAllocationRegion.For(list);
        var builder = new NetworkModelBuilder();
        foreach (var path in list)
        {
            int before = builder.Warnings.Count;
            ReadInto(builder, path);
            if (onWarning is not null)
                for (int i = before; i < builder.Warnings.Count; i++) onWarning(builder.Warnings[i]);
        }
        return builder.Build();
    }

    /// <summary>
    /// Reads one folder or file into <paramref name="builder"/>. <paramref name="accountId"/> and <paramref name="region"/>
    /// are used where the folder names do not say. Call <see cref="NetworkModelBuilder.Build"/> when all paths are read.
    /// </summary>
    public static void ReadInto(NetworkModelBuilder builder, string path, string? accountId = null, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(path)) throw new SnapshotException(SnapshotErrorIds.PathNotFound, "empty snapshot path");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new SnapshotException(SnapshotErrorIds.PathNotFound, $"'{path}' is not a valid path: {ex.Message}", path, null, ex);
        }

        List<(string FullPath, string Relative)> files;
        if (File.Exists(full))
            files = new() { (full, Path.GetFileName(full)) };
        else if (Directory.Exists(full))
        {
            // A Batfish snapshot root holds aws_configs/ next to router configs and host files: read only the AWS part.
            var scan = full;
            var awsConfigs = Path.Combine(full, "aws_configs");
            if (!IsNamed(full, "aws_configs") && Directory.Exists(awsConfigs)) scan = awsConfigs;
            files = new();
            CollectJsonFiles(scan, full, files, 0);
            files.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        }
        else throw new SnapshotException(SnapshotErrorIds.PathNotFound, $"snapshot path '{path}' does not exist", path);

        int recognised = files.Count == 1
            ? ReadFile(builder, files[0].FullPath, files[0].Relative, accountId, region)
            : ReadFilesInParallel(builder, files, accountId, region);
        if (recognised == 0)
            throw new SnapshotException(SnapshotErrorIds.Empty,
                files.Count == 0 ? "no .json files found" : $"none of the {files.Count} .json file(s) holds recognised describe-* output", path);

        builder.SourceDescription = string.IsNullOrEmpty(builder.SourceDescription) ? path : builder.SourceDescription + "; " + path;
    }

    private static int ReadFile(NetworkModelBuilder builder, string file, string relative, string? accountId, string? region)
    {
        var (folderAccount, folderRegion) = AccountAndRegionFromPath(Path.GetDirectoryName(file) ?? "");
        // A pooled buffer: snapshot files are mostly large-object-heap sized, and renting them avoids the gen-2 collections
        // that allocating hundreds of megabytes of them would cause.
        byte[] buffer;
        int length = 0;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            if (stream.Length > Array.MaxLength) throw new IOException($"{relative} is larger than 2 GB");
            buffer = ArrayPool<byte>.Shared.Rent((int)stream.Length);
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0) length += read;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SnapshotException(SnapshotErrorIds.PathNotFound, $"file vanished while reading: {ex.Message}", relative, null, ex);
        }
        try
        {
            return ReadBytes(builder, new ArraySegment<byte>(buffer, 0, length), relative, folderAccount ?? accountId, folderRegion ?? region);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer); // the JsonDocument over it is disposed by now
        }
    }

    /// <summary>
    /// Files parse independently, so they are parsed on every core, each into a private builder, and appended in file
    /// order: the estate, its warnings and the error reported (the first failing file's) are those of a one-by-one read.
    /// Files whose names say they hold describe-instances output are parsed last, once every other file's ENIs are
    /// known: an ENI embedded in an instance that describe-network-interfaces also lists is never used (the listed one
    /// wins, see <see cref="SnapshotReaderState.Complete"/>), so it is not parsed either; on a large estate that is a
    /// third of the instance files' work. Which files come last changes only the work done, not the estate read; the
    /// one difference is that a skipped copy's own errors go unreported, as an unused field's would.
    /// </summary>
    private static int ReadFilesInParallel(NetworkModelBuilder builder, List<(string FullPath, string Relative)> files, string? accountId, string? region)
    {
        var parts = new NetworkModelBuilder?[files.Count];
        var counts = new int[files.Count];
        var errors = new ExceptionDispatchInfo?[files.Count];
        int firstFailure = int.MaxValue;

        void ReadPart(int i, IReadOnlySet<string>? listedInterfaces)
        {
            if (i > Volatile.Read(ref firstFailure)) return; // a file before this one failed: its error is the one reported
            var part = new NetworkModelBuilder();
            if (listedInterfaces is not null) part.ReaderState = new SnapshotReaderState { ListedNetworkInterfaceIds = listedInterfaces };
            try
            {
                counts[i] = ReadFile(part, files[i].FullPath, files[i].Relative, accountId, region);
                parts[i] = part;
            }
            catch (Exception ex)
            {
                errors[i] = ExceptionDispatchInfo.Capture(ex);
                int seen;
                while (i < (seen = Volatile.Read(ref firstFailure)) && Interlocked.CompareExchange(ref firstFailure, i, seen) != seen) { }
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        var byKind = Enumerable.Range(0, files.Count).ToLookup(i => NamesInstances(files[i].Relative));
        int[] instanceFiles = byKind[true].ToArray(), otherFiles = byKind[false].ToArray();
        Parallel.ForEach(otherFiles, options, i => ReadPart(i, null));
        if (instanceFiles.Length > 0)
        {
            var listed = new HashSet<string>(builder.NetworkInterfaces.Select(e => e.NetworkInterfaceId), StringComparer.Ordinal);
            foreach (var i in otherFiles)
                if (parts[i] is { } part)
                    foreach (var eni in part.NetworkInterfaces) listed.Add(eni.NetworkInterfaceId);
            Parallel.ForEach(instanceFiles, options, i => ReadPart(i, listed));
        }
        for (int i = 0; i < files.Count; i++) errors[i]?.Throw();
        BuilderLists.AppendAll(builder, parts!);
        return counts.Sum();
    }

    /// <summary>A scheduling hint only (files are recognised by their keys): describe-instances output saved under its usual names.</summary>
    private static bool NamesInstances(string relativePath)
    {
        var name = Path.GetFileName(relativePath);
        return name.Contains("instance", StringComparison.OrdinalIgnoreCase) || name.Contains("reservation", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses one JSON document into <paramref name="builder"/>; <paramref name="fileNameForMessages"/> names it in errors and origins.</summary>
    public static void ReadJson(NetworkModelBuilder builder, string json, string fileNameForMessages, string? accountId, string? region)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(json);
        ReadBytes(builder, Encoding.UTF8.GetBytes(json), fileNameForMessages, accountId, region);
    }

    /// <summary>Decodes, parses and reads one file; returns how many recognised keys it held.</summary>
    internal static int ReadBytes(NetworkModelBuilder builder, byte[] bytes, string file, string? accountId, string? region) =>
        ReadBytes(builder, new ArraySegment<byte>(bytes), file, accountId, region);

    internal static int ReadBytes(NetworkModelBuilder builder, ArraySegment<byte> bytes, string file, string? accountId, string? region)
    {
        var utf8 = Decode(bytes, file);
        if (IsBlank(utf8.Span)) throw new SnapshotException(SnapshotErrorIds.Empty, "the file is empty", file, "$");

        JsonDocument document;
        try { document = JsonDocument.Parse(utf8, DocumentOptions); }
        catch (JsonException ex) { throw Malformed(ex, utf8.Span, file); }

        using (document)
        {
            var parser = new DocumentParser(builder, file, accountId, region);
            try
            {
                parser.Parse(document.RootElement);
            }
            catch (SnapshotException) { throw; }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or JsonException
                                           or ArgumentException or OverflowException or IndexOutOfRangeException or NullReferenceException)
            {
                // A reader bug or an input shape no check foresaw: still the user's file, so say which one.
                throw new SnapshotException(SnapshotErrorIds.InvalidValue, $"unexpected content: {ex.Message}", file, "$", ex);
            }
            return parser.Recognised;
        }
    }

    private static SnapshotException Malformed(JsonException ex, ReadOnlySpan<byte> utf8, string file)
    {
        long line = (ex.LineNumber ?? 0) + 1, col = (ex.BytePositionInLine ?? 0) + 1;
        var truncated = IsTruncation(ex, utf8);
        var tooDeep = ex.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase);
        var what = tooDeep ? $"nesting deeper than {MaxDepth} levels"
            : truncated ? "the file ends in the middle of a JSON value (truncated?)" : "not valid JSON";
        var path = tooDeep ? "$" : PathAtError(utf8);
        return new SnapshotException(SnapshotErrorIds.MalformedJson, $"{what} at line {line}, byte {col}: {FirstSentence(ex.Message)}", file, path, ex);
    }

    /// <summary>
    /// The JSON path of the last value the reader reached before the error (JsonDocument does not report one), found by
    /// re-reading the text with a path stack. Runs only for broken files.
    /// </summary>
    internal static string PathAtError(ReadOnlySpan<byte> utf8)
    {
        var frames = new List<(bool IsArray, int Count, string? Property)>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (frames.Count > 0) frames[^1] = (false, 0, reader.GetString());
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (frames.Count > 0) frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        if (frames.Count > 0 && frames[^1].IsArray) frames[^1] = (true, frames[^1].Count + 1, null);
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                            frames.Add((reader.TokenType == JsonTokenType.StartArray, 0, null));
                        break;
                }
            }
        }
        catch (JsonException) { }
        catch (InvalidOperationException) { }

        var sb = new StringBuilder("$");
        foreach (var (isArray, count, property) in frames)
        {
            if (isArray) { if (count > 0) sb.Append('[').Append(count - 1).Append(']'); }
            else if (property is not null) sb.Append('.').Append(property);
        }
        return sb.ToString();
    }

    private static bool IsTruncation(JsonException ex, ReadOnlySpan<byte> utf8)
    {
        // The reader reports truncation at the last line; check that nothing but whitespace follows the error position.
        if (ex.LineNumber is not { } line || ex.BytePositionInLine is not { } col) return false;
        int offset = 0;
        for (long l = 0; l < line && offset < utf8.Length; offset++)
            if (utf8[offset] == (byte)'\n') l++;
        offset += (int)Math.Min(col, int.MaxValue - offset);
        return offset >= utf8.Length || IsBlank(utf8[offset..]);
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (i > 0 ? message[..i] : message).Trim();
    }

    private static bool IsBlank(ReadOnlySpan<byte> span)
    {
        foreach (var b in span)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    /// <summary>
    /// UTF-8 (a BOM is dropped) or, when it starts with a UTF-16 BOM, UTF-16 as Windows PowerShell 5.1 writes with '>'.
    /// Invalid UTF-8 is a malformed file, reported at its line and byte.
    /// </summary>
    private static ReadOnlyMemory<byte> Decode(ArraySegment<byte> segment, string file)
    {
        var bytes = segment.AsSpan();
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            var encoding = bytes[0] == 0xFF
                ? new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true)
                : new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
            try { return Encoding.UTF8.GetBytes(encoding.GetString(segment.Array!, segment.Offset + 2, segment.Count - 2)); }
            catch (DecoderFallbackException ex)
            {
                throw new SnapshotException(SnapshotErrorIds.MalformedJson, "invalid UTF-16 text", file, "$", ex);
            }
        }

        ReadOnlyMemory<byte> utf8 = segment;
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) utf8 = utf8[3..];
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            int bad = FirstInvalidUtf8(utf8.Span);
            int line = 1, lineStart = 0;
            for (int i = 0; i < bad; i++)
                if (utf8.Span[i] == (byte)'\n') { line++; lineStart = i + 1; }
            throw new SnapshotException(SnapshotErrorIds.MalformedJson,
                $"invalid UTF-8 at line {line}, byte {bad - lineStart + 1} (save the file as UTF-8)", file, "$");
        }
        return utf8;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> span)
    {
        int offset = 0;
        while (offset < span.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(span[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }

    // ---- folders ------------------------------------------------------------------------------------------------

    internal const int MaxFolderDepth = 16;

    private static void CollectJsonFiles(string folder, string root, List<(string, string)> files, int depth)
    {
        if (depth > MaxFolderDepth) return;
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(folder).ToList(); }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException) { return; }

        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.')) continue; // .git, macOS "._x.json" resource forks and other hidden files
            FileAttributes attributes;
            try { attributes = File.GetAttributes(entry); }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException) { continue; }

            if ((attributes & FileAttributes.Directory) != 0)
            {
                if ((attributes & FileAttributes.ReparsePoint) == 0) CollectJsonFiles(entry, root, files, depth + 1);
            }
            else if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                files.Add((entry, Path.GetRelativePath(root, entry).Replace('\\', '/')));
        }
    }

    private static bool IsNamed(string folder, string name) =>
        string.Equals(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), name, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^\d{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();

    /// <summary>The innermost folder names that look like an AWS region and a 12-digit account id.</summary>
    internal static (string? Account, string? Region) AccountAndRegionFromPath(string folder)
    {
        string? account = null, region = null;
        foreach (var segment in folder.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (RegionPattern().IsMatch(segment)) region = segment;
            else if (AccountPattern().IsMatch(segment)) account = segment;
        }
        return (account, region);
    }
}
