using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using PacketWalk.Core.FlowLogs;
using PacketWalk.Core.Walk;

namespace PacketWalk.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Checks a computed packet path against VPC Flow Logs: did every ENI of the forward and return path log the flow?</para>
/// <para type="description">Takes a walk (from Test-PacketPath, or Get-PacketPath's hops) and flow-log records, and writes one FlowLogHopEvidence per ENI of the forward and return path (seen or not, ACCEPT/REJECT, packets, bytes, first and last seen in local and UTC time, the matching records), plus one per ENI off the path that logged the flow. Records match the 5-tuple in either direction, in any order; a client port range (ephemeral) matches any port in it. Every row carries the summary verdict PathVerdict: Confirmed, Incomplete (records can be late or dropped) or Contradicted (a REJECT where the walk passes, or the flow on an ENI off the path). With -Summary, writes one FlowLogEvidenceReport per walk instead.</para>
/// <para type="description">Either pipe the walk and give the records with -LogPath or -S3BucketName/-S3KeyPrefix, or give the walk with -Walk and pipe the records (lines, CloudWatch Logs events with Message, Logs Insights rows, FlowLogRecord objects, files).</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "PacketPathFlowLog")]
[OutputType(typeof(FlowLogHopEvidence), typeof(FlowLogEvidenceReport))]
public sealed class TestPacketPathFlowLogCommand : FlowLogCmdletBase
{
    public const string NoWalkId = "PacketWalkFlowLogNoWalk";

    /// <summary>
    /// The walk to check: a PacketPathResult from Test-PacketPath, or Get-PacketPath's hops (PacketHop objects; one walk's
    /// hops are numbered from 1, so several walks' hops come apart where the numbering restarts).
    /// </summary>
    [Parameter(Position = 0)]
    [Alias("Path", "PacketPath")]
    [ValidateNotNull]
    public object? Walk { get; set; }

    /// <summary>From the pipeline: walks (PacketPathResult, PacketHop) when -Walk is not given, else flow-log records.</summary>
    [Parameter(ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>Flow-log files or folders (an S3 download of AWSLogs/…, searched recursively), plain or gzip.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? LogPath { get; set; }

    /// <summary>Write one summary report per walk (verdict, counts, notes and every hop) instead of the per-ENI rows.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>How many matching records each hop keeps in its Records list (all of them count in packets, bytes and times).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxRecordsPerHop { get; set; } = 1000;

    private readonly List<FlowLogEvidenceMatcher> _matchers = new();
    private readonly List<PacketPathResult> _pipedWalks = new();
    private readonly List<PacketHop> _pipedHops = new();
    private readonly Stopwatch _watch = new();
    private bool _recordsPiped;

    protected override void BeginProcessing()
    {
        _watch.Start();
        _ = Format;
        if (Walk is not null)
        {
            foreach (var walk in WalksFrom(Walk, nameof(Walk))) AddMatcher(walk);
            if (_matchers.Count == 0)
                ThrowTerminatingError(InputError(NoWalkId, ErrorCategory.InvalidArgument, "-Walk holds no walk: pass the output of Test-PacketPath, or Get-PacketPath's hops.", Walk));
            ReadFilter = CombinedFilter();
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        var value = InputObject is PSObject pso ? pso.BaseObject : InputObject;
        if (value is PacketPathResult or PacketHop or FlowLogEvidenceReport)
        {
            if (Walk is not null)
            {
                WriteError(InputError(FlowLogErrorIds.UnsupportedInput, ErrorCategory.InvalidArgument,
                    "A walk came through the pipeline while -Walk is given: pipe either the walks (and give -LogPath) or the records (and give -Walk).", InputObject));
                return;
            }
            switch (value)
            {
                case PacketPathResult walk: _pipedWalks.Add(walk); break;
                case PacketHop hop: _pipedHops.Add(hop); break;
                case FlowLogEvidenceReport report when report.PacketPath is not null: _pipedWalks.Add(report.PacketPath); break;
            }
            return;
        }
        if (_matchers.Count == 0)
        {
            ThrowTerminatingError(InputError(NoWalkId, ErrorCategory.InvalidArgument,
                "Flow-log records came through the pipeline but no walk was given: add -Walk (the output of Test-PacketPath).", InputObject));
            return;
        }
        _recordsPiped = true;
        foreach (var record in RecordsFromInput(InputObject))
            foreach (var m in _matchers) m.Add(record);
    }

    protected override void EndProcessing()
    {
        if (_pipedHops.Count > 0) _pipedWalks.AddRange(HopPathAssembler.Assemble(_pipedHops));
        foreach (var walk in _pipedWalks) AddMatcher(walk);
        if (_matchers.Count == 0)
        {
            ThrowTerminatingError(InputError(NoWalkId, ErrorCategory.InvalidArgument,
                "No walk to check: pipe the output of Test-PacketPath (or Get-PacketPath), or give -Walk.", null));
            return;
        }
        ReadFilter = CombinedFilter();

        bool fromFiles = LogPath is { Length: > 0 };
        if (!fromFiles && S3BucketName is null && !_recordsPiped)
        {
            ThrowTerminatingError(InputError(NoRecordSourceId, ErrorCategory.InvalidArgument,
                "No flow-log records: give -LogPath (files or folders) or -S3BucketName, or pipe records with -Walk.", null));
            return;
        }
        if (fromFiles)
            foreach (var full in ResolveLogPaths(LogPath!))
                foreach (var record in ReadPath(full))
                    foreach (var m in _matchers) m.Add(record);
        if (S3BucketName is not null)
            foreach (var record in ReadS3())
                foreach (var m in _matchers) m.Add(record);

        ReportSkippedIssues();
        WriteReadStatistics(_watch.Elapsed);
        foreach (var m in _matchers)
        {
            var report = m.Complete();
            WriteVerbose($"{report.Walk}: {report.Verdict}. {report.Explanation}");
            foreach (var note in report.Notes) WriteVerbose(note);
            if (Summary) WriteObject(report);
            else foreach (var hop in report.Hops) WriteObject(hop);
        }
    }

    private void AddMatcher(PacketPathResult walk)
    {
        try
        {
            _matchers.Add(new FlowLogEvidenceMatcher(walk, new FlowLogMatchOptions { MaxRecordsPerHop = MaxRecordsPerHop }));
        }
        catch (FlowLogWalkException ex)
        {
            WriteError(new ErrorRecord(new PSArgumentException(ex.Message, ex), ex.ErrorId, ErrorCategory.InvalidArgument, walk));
        }
    }

    /// <summary>One read of the logs serves every walk: keep records of any walk's flow within the time window.</summary>
    private FlowLogFilter CombinedFilter() =>
        new FlowLogFilter { StartTime = StartTimeOffset, EndTime = EndTimeOffset }.WithFlowsOf(_matchers.Select(m => m.Filter));

    /// <summary>-Walk: a PacketPathResult, an evidence report (its walk), or hops (assembled), or a list of those.</summary>
    private IEnumerable<PacketPathResult> WalksFrom(object value, string parameter)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        switch (value)
        {
            case PacketPathResult walk:
                yield return walk;
                yield break;
            case FlowLogEvidenceReport { PacketPath: { } fromReport }:
                yield return fromReport;
                yield break;
            case PacketHop hop:
                foreach (var w in HopPathAssembler.Assemble(new[] { hop })) yield return w;
                yield break;
            case IEnumerable items and not string:
                var list = items.Cast<object?>().Select(i => i is PSObject p ? p.BaseObject : i).ToList();
                var hops = list.OfType<PacketHop>().ToList();
                if (hops.Count > 0)
                    foreach (var w in HopPathAssembler.Assemble(hops)) yield return w;
                foreach (var item in list.Where(i => i is not PacketHop and not null))
                    foreach (var w in WalksFrom(item!, parameter)) yield return w;
                yield break;
            default:
                WriteError(InputError(NoWalkId, ErrorCategory.InvalidArgument,
                    $"-{parameter} takes the output of Test-PacketPath (PacketPathResult) or Get-PacketPath (PacketHop), not {value.GetType().Name}.", value));
                yield break;
        }
    }
}
