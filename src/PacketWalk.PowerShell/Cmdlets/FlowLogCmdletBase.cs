using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using PacketWalk.Core.FlowLogs;
using PacketWalk.Core.Live;
using PacketWalk.PowerShell.Aws;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// What Get-FlowLogRecord and Test-PacketPathFlowLog share: the format and time parameters, turning pipeline objects
/// (lines, CloudWatch Logs events, Logs Insights rows, records, files) into records, reading files and folders one
/// record at a time, and reporting malformed lines without flooding the error stream.
/// </summary>
public abstract class FlowLogCmdletBase : PacketWalkCmdlet
{
    public const string NoRecordSourceId = "PacketWalkFlowLogNoRecords";
    private const int MaxMalformedErrors = 10;

    /// <summary>The flow log's LogFormat ('${version} ${vpc-id} …') for records without a header line (CloudWatch events). Files from S3 carry their own header.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogFormat { get; set; }

    /// <summary>Keep records whose capture window ends at or after this time (a time without offset is local). Day folders of the S3 layout outside the window are skipped.</summary>
    [Parameter]
    public DateTime? StartTime { get; set; }

    /// <summary>Keep records whose capture window starts at or before this time.</summary>
    [Parameter]
    public DateTime? EndTime { get; set; }

    /// <summary>Read the flow logs from this S3 bucket (the flow log's destination), streaming each object; nothing is saved to disk.</summary>
    [Parameter]
    [Alias("BucketName")]
    [ValidateNotNullOrEmpty]
    public string? S3BucketName { get; set; }

    /// <summary>Only objects under this prefix, e.g. 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2022/12/20/'.</summary>
    [Parameter]
    [Alias("KeyPrefix")]
    [ValidateNotNullOrEmpty]
    public string? S3KeyPrefix { get; set; }

    // The common AWS.Tools credential parameters, for -S3BucketName. Not bound by property name, unlike AWS.Tools':
    // piped flow-log records carry a Region field that must not pick the S3 region.

    /// <summary>The region of the bucket (system name, e.g. us-east-1).</summary>
    [Parameter]
    [Alias("RegionToCall")]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    [Parameter]
    [Alias("AK")]
    public string? AccessKey { get; set; }

    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    public string? SecretKey { get; set; }

    [Parameter]
    [Alias("ST")]
    public string? SessionToken { get; set; }

    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    public string? ProfileName { get; set; }

    [Parameter]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public string? ProfileLocation { get; set; }

    /// <summary>
    /// An SDK credentials object (Amazon.Runtime.AWSCredentials), e.g. from Get-AWSCredential. Typed object so that
    /// PacketWalk loads no AWS SDK until it reads AWS (see LiveAwsLoader).
    /// </summary>
    [Parameter]
    public object? Credential { get; set; }

    /// <summary>Send S3 requests to this endpoint instead of AWS's (LocalStack, moto).</summary>
    [Parameter]
    public string? EndpointUrl { get; set; }

    private CancellationTokenSource? _cancel;
    private FlowLogLineParser? _parser;
    private FlowLogFormat? _format;
    private long _pipelineCount;
    private long _malformed;

    /// <summary>The -LogFormat as a format; writes a terminating error when it is not one.</summary>
    protected FlowLogFormat? Format
    {
        get
        {
            if (_format is null && LogFormat is not null)
            {
                try { _format = FlowLogFormat.Parse(LogFormat); }
                catch (FlowLogFormatException ex)
                {
                    ThrowTerminatingError(new ErrorRecord(new PSArgumentException(ex.Message, ex), ex.ErrorId, ErrorCategory.InvalidArgument, LogFormat));
                }
            }
            return _format;
        }
    }

    protected DateTimeOffset? StartTimeOffset => StartTime is { } s ? ToOffset(s) : null;
    protected DateTimeOffset? EndTimeOffset => EndTime is { } e ? ToOffset(e) : null;

    private static DateTimeOffset ToOffset(DateTime t) => t.Kind == DateTimeKind.Utc ? new DateTimeOffset(t) : new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Local));

    /// <summary>The filter the reader applies before building a record. Set once in BeginProcessing.</summary>
    protected FlowLogFilter? ReadFilter { get; set; }

    /// <summary>The parser for pipeline input: it keeps the format a header line set for the lines after it.</summary>
    protected FlowLogLineParser PipelineParser => _parser ??= new FlowLogLineParser(Format, ReadFilter, ReportIssue);

    /// <summary>Turns one pipeline object into records (usually one; a multi-line string or a file gives several).</summary>
    protected IEnumerable<FlowLogRecord> RecordsFromInput(object? input)
    {
        input = input is PSObject pso ? pso.BaseObject is PSCustomObject ? pso : pso.BaseObject : input;
        switch (input)
        {
            case null:
                yield break;
            case FlowLogRecord record:
                if (PipelineParser.Keep(record)) yield return record;
                yield break;
            case string text:
                foreach (var line in text.Split('\n'))
                {
                    var origin = "pipeline #" + (++_pipelineCount).ToString(CultureInfo.InvariantCulture);
                    if (PipelineParser.Parse(line, origin) is { } r) yield return r;
                }
                yield break;
            case FileInfo file:
                foreach (var r in ReadFile(file.FullName)) yield return r;
                yield break;
            case DirectoryInfo folder:
                foreach (var r in ReadPath(folder.FullName)) yield return r;
                yield break;
            case IDictionary dictionary:
                if (FromPairs(dictionary.Keys.Cast<object>().Select(k => new KeyValuePair<string, string?>(k?.ToString() ?? "", Text(dictionary[k!]))).ToList()) is { } fromDictionary)
                    yield return fromDictionary;
                yield break;
        }

        var ps = PSObject.AsPSObject(input);
        // A CloudWatch Logs event (FilteredLogEvent, OutputLogEvent, or any object with Message): the message is the record.
        if (ps.Properties["Message"]?.Value is { } message && ps.Properties["Field"] is null)
        {
            var stream = Text(ps.Properties["LogStreamName"]?.Value);
            var eventId = Text(ps.Properties["EventId"]?.Value);
            var origin = stream is null && eventId is null ? "event #" + (++_pipelineCount).ToString(CultureInfo.InvariantCulture)
                : $"{stream ?? "event"}{(eventId is null ? "" : " " + eventId)}";
            if (PipelineParser.Parse(Text(message) ?? "", origin) is { } r) yield return r;
            yield break;
        }
        // A Logs Insights row: a list of ResultField objects (Field, Value).
        if (input is IEnumerable items)
        {
            var list = items.Cast<object?>().ToList();
            if (list.Count > 0 && list.All(IsFieldValue))
            {
                var pairs = list.Select(i => { var p = PSObject.AsPSObject(i!); return new KeyValuePair<string, string?>(Text(p.Properties["Field"]!.Value) ?? "", Text(p.Properties["Value"]?.Value)); }).ToList();
                if (FromPairs(pairs) is { } row) yield return row;
                yield break;
            }
            foreach (var item in list)
                foreach (var r in RecordsFromInput(item))
                    yield return r;
            yield break;
        }
        // Any other object (a CSV row of exported records, a ConvertFrom-Json object): its properties are the fields.
        var properties = ps.Properties.Where(p => p.IsGettable).Select(p => new KeyValuePair<string, string?>(p.Name, SafeValue(p))).ToList();
        if (FromPairs(properties) is { } fromObject) yield return fromObject;
    }

    private FlowLogRecord? FromPairs(List<KeyValuePair<string, string?>> pairs)
    {
        var origin = "pipeline #" + (++_pipelineCount).ToString(CultureInfo.InvariantCulture);
        if (pairs.Any(p => string.Equals(p.Key, "Message", StringComparison.OrdinalIgnoreCase)) && !pairs.Any(p => string.Equals(p.Key, "@message", StringComparison.OrdinalIgnoreCase)))
            return PipelineParser.Parse(pairs.First(p => string.Equals(p.Key, "Message", StringComparison.OrdinalIgnoreCase)).Value ?? "", origin);
        return PipelineParser.ParseFields(pairs, origin);
    }

    private static bool IsFieldValue(object? item)
    {
        if (item is null) return false;
        var p = PSObject.AsPSObject(item);
        return p.Properties["Field"] is not null && p.Properties["Value"] is not null;
    }

    private static string? SafeValue(PSPropertyInfo p)
    {
        try { return Text(p.Value); }
        catch (GetValueException) { return null; }
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        PSObject pso => Text(pso.BaseObject),
        string s => s,
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>PS paths (relative, ~, wildcards) to file-system paths; a path that matches nothing is a non-terminating error.</summary>
    protected List<string> ResolveLogPaths(IEnumerable<string> paths)
    {
        var result = new List<string>();
        foreach (var path in paths)
        {
            if (string.IsNullOrWhiteSpace(path)) continue;
            try
            {
                var resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem")
                {
                    WriteError(InputError(FlowLogErrorIds.UnsupportedInput, ErrorCategory.InvalidArgument, $"'{path}' is not a file-system path; flow logs are read from files and folders.", path));
                    continue;
                }
                result.AddRange(resolved.OrderBy(p => p, StringComparer.Ordinal));
            }
            catch (ItemNotFoundException)
            {
                WriteError(InputError(FlowLogErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, $"The flow-log file or folder '{path}' does not exist.", path));
            }
        }
        return result;
    }

    protected override void StopProcessing()
    {
        _cancel?.Cancel();
        base.StopProcessing();
    }

    /// <summary>
    /// Records of every log object under -S3BucketName/-S3KeyPrefix, one object at a time. A failure to list is
    /// terminating; a failure on one object is a non-terminating error and the next object is read.
    /// </summary>
    protected IEnumerable<FlowLogRecord> ReadS3()
    {
        _cancel ??= new CancellationTokenSource();
        // Credentials and region in AWS.Tools' order, resolved by the same code as the live walks (PacketWalk.Aws).
        var request = new LiveCredentialRequest
        {
            AccessKey = AccessKey, SecretKey = SecretKey, SessionToken = SessionToken,
            Credential = Credential is PSObject pso ? pso.BaseObject : Credential, ProfileName = ProfileName,
            ProfileLocation = ProfileLocation is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ProfileLocation),
            Region = Region, EndpointUrl = EndpointUrl,
        };
        IFlowLogObjectStore store;
        IReadOnlyList<string> keys;
        try
        {
            var aws = LiveAwsLoader.Get();
            var sessions = aws.OpenSessions(request, new PowerShellShellDefaults(this), WriteDebug, AwsReadingCmdlet.SilentObserver, _cancel.Token);
            store = aws.OpenFlowLogStore(sessions);
            keys = store.ListLogKeys(S3BucketName!, S3KeyPrefix, StartTimeOffset, EndTimeOffset, _cancel.Token);
        }
        catch (LiveAwsException ex)
        {
            ThrowTerminatingError(AwsReadingCmdlet.LiveError(ex, $"s3://{S3BucketName}/{S3KeyPrefix}"));
            yield break;
        }
        using (store)
        {
            WriteVerbose($"s3://{S3BucketName}/{S3KeyPrefix}: {keys.Count} log object(s)");
            foreach (var key in keys)
            {
                Stream stream;
                try { stream = store.Open(S3BucketName!, key, _cancel.Token); }
                catch (LiveAwsException ex) { WriteError(AwsReadingCmdlet.LiveError(ex, $"s3://{S3BucketName}/{key}")); continue; }
                using (stream)
                    foreach (var r in ReadStream(stream, $"s3://{S3BucketName}/{key}"))
                        yield return r;
            }
        }
    }

    /// <summary>Statistics of file reads, for -Verbose.</summary>
    protected FlowLogReadStatistics FileStatistics { get; } = new();

    /// <summary>Reads a file or a folder (recursively, S3 layout), one record at a time; a file that cannot be read is a non-terminating error.</summary>
    protected IEnumerable<FlowLogRecord> ReadPath(string fullPath)
    {
        IReadOnlyList<string> files = Directory.Exists(fullPath) ? FlowLogReader.FindLogFiles(fullPath, StartTimeOffset, EndTimeOffset) : new[] { fullPath };
        if (Directory.Exists(fullPath)) WriteVerbose($"{fullPath}: {files.Count} log file(s)");
        foreach (var file in files)
            foreach (var r in ReadFile(file))
                yield return r;
    }

    private IEnumerable<FlowLogRecord> ReadFile(string file)
    {
        var reader = new FlowLogReader(Format, ReadFilter, ReportIssue);
        IEnumerator<FlowLogRecord> e;
        try { e = reader.ReadFile(file).GetEnumerator(); }
        catch (FlowLogReadException ex) { WriteError(ReadError(ex)); yield break; }
        foreach (var r in Reported(reader, e)) yield return r;
    }

    /// <summary>Reads an already open stream (an S3 object); errors are non-terminating.</summary>
    protected IEnumerable<FlowLogRecord> ReadStream(Stream stream, string origin)
    {
        var reader = new FlowLogReader(Format, ReadFilter, ReportIssue);
        foreach (var r in Reported(reader, reader.ReadStream(stream, origin).GetEnumerator())) yield return r;
    }

    /// <summary>The records of one file or stream; a read error ends it as a non-terminating error, and its statistics are kept.</summary>
    private IEnumerable<FlowLogRecord> Reported(FlowLogReader reader, IEnumerator<FlowLogRecord> records)
    {
        using (records)
        {
            while (true)
            {
                FlowLogRecord current;
                try
                {
                    if (!records.MoveNext()) break;
                    current = records.Current;
                }
                catch (FlowLogReadException ex) { WriteError(ReadError(ex)); break; }
                yield return current;
            }
        }
        Accumulate(reader.Statistics);
    }

    private void Accumulate(FlowLogReadStatistics s) => FileStatistics.Add(s);

    private static ErrorRecord ReadError(FlowLogReadException ex) => new(ex, ex.ErrorId,
        ex.ErrorId == FlowLogErrorIds.PathNotFound ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError, ex.Target);

    /// <summary>The first few malformed lines are errors (with file and line); the rest are counted and summed up at the end.</summary>
    private void ReportIssue(FlowLogIssue issue)
    {
        if (++_malformed > MaxMalformedErrors) return;
        var record = new ErrorRecord(new FormatException(issue.ToString()), issue.ErrorId, ErrorCategory.InvalidData, issue.Text);
        record.ErrorDetails = new ErrorDetails(issue.ToString())
        {
            RecommendedAction = issue.Message.Contains("fields", StringComparison.Ordinal)
                ? "Give the flow log's format with -LogFormat (Get-EC2FlowLog shows it as LogFormat), or read the files with their header line."
                : "Check the record; it was skipped.",
        };
        WriteError(record);
    }

    /// <summary>Call at the end: says how many malformed lines were not shown.</summary>
    protected void ReportSkippedIssues()
    {
        if (_malformed > MaxMalformedErrors)
            WriteWarning($"{_malformed} malformed flow-log lines were skipped; the first {MaxMalformedErrors} were reported as errors.");
    }

    protected void WriteReadStatistics(TimeSpan elapsed)
    {
        if (FileStatistics.Files > 0)
            WriteVerbose($"Read {FileStatistics} in {elapsed.TotalSeconds:0.00} s");
        if (_parser is not null)
            WriteVerbose($"Pipeline input: {_parser.Statistics.Lines} lines, {_parser.Statistics.Records} records kept, {_parser.Statistics.Malformed} malformed");
    }
}
