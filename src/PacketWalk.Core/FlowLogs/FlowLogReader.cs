using System.Globalization;
using System.IO.Compression;

namespace PacketWalk.Core.FlowLogs;

/// <summary>
/// Streams flow-log records from files, folders (as AWS lays them out in S3:
/// <c>AWSLogs/&lt;account&gt;/vpcflowlogs/&lt;region&gt;/yyyy/mm/dd/…log.gz</c>) and streams, plain or gzip. It never holds
/// more than one buffer of a file: records are built only for lines the filter keeps, and handed out as they are read.
/// </summary>
public sealed class FlowLogReader
{
    private const int BufferSize = 256 * 1024;
    /// <summary>No flow-log record comes near this; a longer line is reported and skipped rather than buffered without end.</summary>
    private const int MaxLineLength = 64 * 1024;

    private readonly FlowLogFormat? _format;
    private readonly FlowLogFilter? _filter;
    private readonly Action<FlowLogIssue>? _onIssue;

    public FlowLogReader(FlowLogFormat? format = null, FlowLogFilter? filter = null, Action<FlowLogIssue>? onIssue = null)
    {
        _format = format;
        _filter = filter;
        _onIssue = onIssue;
    }

    public FlowLogReadStatistics Statistics { get; } = new();

    /// <summary>Files and folders, in the order given; a folder is searched recursively for log files (see <see cref="FindLogFiles"/>).</summary>
    public IEnumerable<FlowLogRecord> ReadPaths(IEnumerable<string> paths, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in FindLogFiles(path, from, to))
                    foreach (var record in ReadFile(file))
                        yield return record;
            }
            else
            {
                foreach (var record in ReadFile(path))
                    yield return record;
            }
        }
    }

    /// <summary>One file, plain or gzip (told by its first bytes, not its name).</summary>
    public IEnumerable<FlowLogRecord> ReadFile(string path)
    {
        if (!File.Exists(path))
            throw new FlowLogReadException(FlowLogErrorIds.PathNotFound, $"The flow-log file or folder '{path}' does not exist.", path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FlowLogReadException(FlowLogErrorIds.ReadFailed, $"Cannot open '{path}': {ex.Message}", path, ex);
        }
        return ReadStream(stream, path, leaveOpen: false);
    }

    /// <summary>
    /// Records from a stream, plain or gzip. The stream is read forward only (an S3 response works). A header line sets
    /// the format for the rest of the stream; without one the reader's format (default version 2) applies.
    /// </summary>
    public IEnumerable<FlowLogRecord> ReadStream(Stream stream, string origin, bool leaveOpen = false)
    {
        Statistics.Files++;
        var parser = new FlowLogLineParser(_format, _filter, _onIssue, Statistics);
        var state = new StreamState(stream, origin, parser, leaveOpen);
        try
        {
            var batch = new List<FlowLogRecord>(256);
            while (state.ReadBatch(batch))
            {
                foreach (var record in batch) yield return record;
                batch.Clear();
            }
            foreach (var record in batch) yield return record;
        }
        finally
        {
            state.Dispose();
        }
    }

    /// <summary>
    /// The log files under a folder, sorted by path: names ending .log, .log.gz, .gz or .txt. When a time window is
    /// given, day folders of the S3 layout (…/yyyy/mm/dd/) wholly outside it (with a day of slack for late delivery,
    /// R-FL-9) are skipped without being opened.
    /// </summary>
    public static IReadOnlyList<string> FindLogFiles(string folder, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var files = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        foreach (var file in Directory.EnumerateFiles(folder, "*", options))
        {
            if (!IsLogFileName(file)) continue;
            if ((from is not null || to is not null) && DayOfS3Path(Path.GetRelativePath(folder, file)) is { } day)
            {
                if (from is { } f && day.AddDays(2) < f.UtcDateTime) continue;
                if (to is { } t && day.AddDays(-1) > t.UtcDateTime) continue;
            }
            files.Add(file);
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public static bool IsLogFileName(string name) =>
        name.EndsWith(".log", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);

    /// <summary>The UTC day of a path laid out as …/yyyy/mm/dd/file, or null.</summary>
    public static DateTime? DayOfS3Path(string relativePath)
    {
        var parts = relativePath.Split('/', '\\');
        for (int i = parts.Length - 4; i >= 0; i--)
        {
            if (parts[i].Length == 4 && parts[i + 1].Length == 2 && parts[i + 2].Length == 2
                && int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
                && int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
                && int.TryParse(parts[i + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                && y is >= 2000 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
                return new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Utc);
        }
        return null;
    }

    /// <summary>Wraps a stream in a gzip decoder when its first two bytes are the gzip magic (1f 8b).</summary>
    public static Stream Decode(Stream raw, bool leaveOpen = false)
    {
        var head = new byte[2];
        int n = 0;
        while (n < 2)
        {
            int r = raw.Read(head, n, 2 - n);
            if (r == 0) break;
            n += r;
        }
        var whole = new PrefixedStream(head.AsMemory(0, n), raw, leaveOpen);
        return n == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(whole, CompressionMode.Decompress, leaveOpen: false) : whole;
    }

    /// <summary>The per-stream read loop: fills a buffer, cuts it into lines, parses each.</summary>
    private sealed class StreamState : IDisposable
    {
        private readonly Stream _decoded;
        private readonly string _origin;
        private readonly FlowLogLineParser _parser;
        private byte[] _buffer = new byte[BufferSize];
        private int _start, _end;
        private long _lineNumber;
        private bool _eof, _skippingLongLine;

        public StreamState(Stream raw, string origin, FlowLogLineParser parser, bool leaveOpen)
        {
            _origin = origin;
            _parser = parser;
            try { _decoded = Decode(raw, leaveOpen); }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                throw new FlowLogReadException(FlowLogErrorIds.ReadFailed, $"Cannot read '{origin}': {ex.Message}", origin, ex);
            }
        }

        /// <summary>Parses the lines of one buffer into <paramref name="output"/>; false when the stream is done.</summary>
        public bool ReadBatch(List<FlowLogRecord> output)
        {
            if (_eof && _start >= _end) return false;
            if (!_eof) Fill();
            var span = _buffer.AsSpan(_start, _end - _start);
            while (true)
            {
                int nl = span.IndexOf((byte)'\n');
                if (nl < 0)
                {
                    if (_eof && !span.IsEmpty) { ParseLine(span, output); _start = _end; }
                    break;
                }
                ParseLine(span[..nl], output);
                _start += nl + 1;
                span = span[(nl + 1)..];
            }
            return !(_eof && _start >= _end) || output.Count > 0;
        }

        private void ParseLine(ReadOnlySpan<byte> line, List<FlowLogRecord> output)
        {
            _lineNumber++;
            if (_skippingLongLine) { _skippingLongLine = false; return; }
            if (_parser.Parse(line, _origin, _lineNumber) is { } record) output.Add(record);
        }

        private void Fill()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                // One line fills the whole buffer: grow up to the limit, then report it and skip to its end.
                if (_buffer.Length < MaxLineLength * 2) Array.Resize(ref _buffer, _buffer.Length * 2);
                else
                {
                    _parser.Statistics.Malformed++;
                    _end = 0;
                    _skippingLongLine = true;
                }
            }
            int read;
            try { read = _decoded.Read(_buffer, _end, _buffer.Length - _end); }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                throw new FlowLogReadException(FlowLogErrorIds.ReadFailed, $"Cannot read '{_origin}' after line {_lineNumber}: {ex.Message}", _origin, ex);
            }
            if (read == 0) _eof = true;
            _end += read;
            _parser.Statistics.Bytes += read;
        }

        public void Dispose() => _decoded.Dispose();
    }

    /// <summary>A forward-only stream that first returns bytes already read from the inner stream.</summary>
    private sealed class PrefixedStream : Stream
    {
        private readonly Stream _inner;
        private readonly bool _leaveOpen;
        private ReadOnlyMemory<byte> _prefix;

        public PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner, bool leaveOpen) { _prefix = prefix; _inner = inner; _leaveOpen = leaveOpen; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_prefix.IsEmpty)
            {
                int n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer);
                _prefix = _prefix[n..];
                return n;
            }
            return _inner.Read(buffer);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_leaveOpen) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>A file or stream that cannot be found or read (not a malformed line: those are <see cref="FlowLogIssue"/>s).</summary>
public sealed class FlowLogReadException : Exception
{
    public FlowLogReadException(string errorId, string message, string? target, Exception? inner = null) : base(message, inner)
    {
        ErrorId = errorId;
        Target = target;
    }

    public string ErrorId { get; }
    public string? Target { get; }
}
