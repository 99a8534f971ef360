using System.Collections.Concurrent;
using System.Management.Automation;
using PacketWalk.Core.Live;
using PacketWalk.PowerShell.Cmdlets;

namespace PacketWalk.PowerShell.Aws;

/// <summary>
/// Base of every cmdlet that reads AWS: AWS Tools for PowerShell's common credential parameters with their names,
/// aliases and resolution order (implemented once, in PacketWalk.Aws's AwsSessionFactory), -EndpointUrl,
/// -AssumeRoleArn, Write-Debug of where credentials and region came from, Write-Progress while reading, Ctrl+C
/// cancelling in-flight calls, and AWS failures as error records with specific ids. -Region is declared by each cmdlet
/// (one region for a walk, several for an export). Credentials never appear in output, verbose or debug text, or errors.
/// </summary>
public abstract class AwsReadingCmdlet : PacketWalkCmdlet
{
    public const string LiveParameterSet = "Live";

    private CancellationTokenSource? _cancel;
    private readonly Dictionary<string, (ILiveAws Aws, ILiveSessions Sessions)> _sessions = new(StringComparer.Ordinal);

    /// <summary>The AWS access key id (with -SecretKey).</summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("AK")]
    public string? AccessKey { get; set; }

    /// <summary>The AWS secret access key (with -AccessKey).</summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("SK", "SecretAccessKey")]
    public string? SecretKey { get; set; }

    /// <summary>The session token of temporary credentials.</summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ST")]
    public string? SessionToken { get; set; }

    /// <summary>A credential profile (shared credentials file or SDK store). Not found is an error, never a fall-back.</summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("StoredCredentials", "AWSProfileName")]
    public string? ProfileName { get; set; }

    /// <summary>The ini-format credentials file to read profiles from.</summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public string? ProfileLocation { get; set; }

    /// <summary>
    /// An Amazon.Runtime.AWSCredentials object (AWS.Tools' type, e.g. from Get-AWSCredential). Typed object so that
    /// PacketWalk loads no AWS SDK until it reads AWS; a value of another type is an AwsInvalidCredential error.
    /// </summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    public object? Credential { get; set; }

    /// <summary>Send requests to this endpoint instead of AWS's (LocalStack, moto, a test endpoint).</summary>
    [Parameter(ParameterSetName = LiveParameterSet, ValueFromPipelineByPropertyName = true)]
    public string? EndpointUrl { get; set; }

    /// <summary>Roles to assume (sts:AssumeRole), one or many, so a walk reads every account it crosses.</summary>
    [Parameter(ParameterSetName = LiveParameterSet)]
    [ValidateNotNullOrEmpty]
    public string[]? AssumeRoleArn { get; set; }

    /// <summary>The regions bound to this invocation's -Region (empty when not given).</summary>
    protected abstract IReadOnlyList<string> RegionNames { get; }

    protected CancellationToken Cancellation => (_cancel ??= new CancellationTokenSource()).Token;

    protected override void BeginProcessing()
    {
        _cancel ??= new CancellationTokenSource();
        base.BeginProcessing();
    }

    /// <summary>Ctrl+C: cancels the calls in flight; the pipeline thread then stops.</summary>
    protected override void StopProcessing()
    {
        _cancel?.Cancel();
        base.StopProcessing();
    }

    /// <summary>
    /// The reader and its sessions for one region (null: AWS.Tools' order decides): the caller's own, then one per
    /// -AssumeRoleArn. Resolved once per distinct set of bound parameters in this invocation.
    /// </summary>
    protected (ILiveAws Aws, ILiveSessions Sessions) OpenSessions(string? region, bool rolesOnly = false)
    {
        var request = new LiveCredentialRequest
        {
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            Credential = Credential is PSObject pso ? pso.BaseObject : Credential,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ProfileLocation),
            Region = region,
            EndpointUrl = EndpointUrl,
            AssumeRoleArns = AssumeRoleArn ?? Array.Empty<string>(),
            RolesOnly = rolesOnly,
        };
        // The key holds no secret: keys are represented by their hash codes, objects by identity.
        var key = string.Join("\u001f", request.AccessKey?.GetHashCode(), request.SecretKey?.GetHashCode(), request.SessionToken?.GetHashCode(),
            request.Credential is null ? null : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(request.Credential),
            request.ProfileName, request.ProfileLocation, region, request.EndpointUrl, string.Join(",", request.AssumeRoleArns), rolesOnly, LiveAwsLoader.SdkInDefaultContext);
        if (_sessions.TryGetValue(key, out var cached)) return cached;

        var aws = LiveAwsLoader.Get();
        WriteDebug($"Live reader uses {aws.SdkDescription}");
        var shell = new PowerShellShellDefaults(this);
        // Resolution reads the shell's variables and may invoke Get-AWSCredential: on the pipeline thread. Assuming roles is a network call.
        var sessions = request.AssumeRoleArns.Count == 0
            ? Guard(() => aws.OpenSessions(request, shell, WriteDebug, SilentObserver, Cancellation))
            : OpenWithRoles(aws, request, shell);
        foreach (var d in sessions.Descriptions) WriteVerbose($"Reading AWS as {d}");
        _sessions[key] = (aws, sessions);
        return (aws, sessions);
    }

    private ILiveSessions OpenWithRoles(ILiveAws aws, LiveCredentialRequest request, PowerShellShellDefaults shell)
    {
        // Read the shell on this thread first (AWS.Tools' Get-AWSCredential must run on the pipeline thread).
        var stored = shell.Snapshot();
        var debug = new ConcurrentQueue<string>();
        var sessions = RunLive(observer => aws.OpenSessions(request, stored, debug.Enqueue, observer, Cancellation), "assuming roles");
        while (debug.TryDequeue(out var line)) WriteDebug(line);
        return sessions;
    }

    private T Guard<T>(Func<T> work)
    {
        try { return work(); }
        catch (LiveAwsException ex) { ThrowTerminatingError(LiveError(ex)); return default!; }
    }

    /// <summary>Runs a live read off the pipeline thread while this thread writes its verbose lines, warnings and progress.</summary>
    protected T RunLive<T>(Func<ILiveObserver, T> work, string activity)
    {
        var pump = new LiveReadPump(Math.Abs(GetHashCode() % 100000) + 1, $"PacketWalk: {activity}");
        try
        {
            return pump.Run(this, work, Cancellation);
        }
        catch (LiveAwsException ex)
        {
            ThrowTerminatingError(LiveError(ex));
            return default!;
        }
    }

    /// <summary>An observer that drops what it is told (calls made on the pipeline thread report through -Debug instead).</summary>
    internal static ILiveObserver SilentObserver => NullObserver.Instance;

    protected static ErrorRecord LiveError(LiveAwsException ex) => LiveError(ex, ex.AwsErrorCode);

    /// <summary>A live failure as an error record: the reader's stable id, a category per kind of failure, the given target.</summary>
    internal static ErrorRecord LiveError(LiveAwsException ex, object? target)
    {
        var category = ex.Failure switch
        {
            LiveFailure.Authentication => ErrorCategory.AuthenticationError,
            LiveFailure.NotFound => ErrorCategory.ObjectNotFound,
            LiveFailure.PermissionDenied => ErrorCategory.PermissionDenied,
            LiveFailure.LimitsExceeded => ErrorCategory.LimitsExceeded,
            LiveFailure.Connection => ErrorCategory.ConnectionError,
            LiveFailure.InvalidData => ErrorCategory.InvalidData,
            LiveFailure.Read => ErrorCategory.ReadError,
            _ => ErrorCategory.InvalidArgument,
        };
        var record = new ErrorRecord(ex, ex.ErrorId, category, target);
        if (ex.Failure == LiveFailure.PermissionDenied)
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Grant the named action; the README lists the least-privilege IAM policy." };
        return record;
    }

    private sealed class NullObserver : ILiveObserver
    {
        public static readonly NullObserver Instance = new();
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public void Progress(int completed, int started, string operation) { }
    }
}

/// <summary>
/// The shell's AWS.Tools defaults: <c>$StoredAWSRegion</c> is a plain string; <c>$StoredAWSCredentials</c> holds an
/// object whose credentials are internal to AWS.Tools, so they are read through AWS.Tools' public <c>Get-AWSCredential</c>,
/// invoked in the current runspace. Used on the pipeline thread.
/// </summary>
internal sealed class PowerShellShellDefaults : ILiveShell
{
    private readonly PSCmdlet _cmdlet;

    public PowerShellShellDefaults(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    public string? StoredRegion
    {
        get
        {
            var value = _cmdlet.SessionState.PSVariable.GetValue("StoredAWSRegion");
            var text = (value is PSObject p ? p.BaseObject : value)?.ToString();
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
    }

    public object? StoredCredentials(out string? note)
    {
        note = null;
        var stored = _cmdlet.SessionState.PSVariable.GetValue("StoredAWSCredentials");
        if (stored is null) return null;
        var command = _cmdlet.InvokeCommand.GetCommand("Get-AWSCredential", CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Alias);
        if (command is null)
        {
            note = "$StoredAWSCredentials is set but Get-AWSCredential (AWS.Tools.Common) is not available to read it; skipped.";
            return null;
        }
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand(command);
        foreach (var r in ps.Invoke())
            if (r?.BaseObject is { } credentials && credentials.GetType().FullName != typeof(string).FullName) return credentials;
        note = "$StoredAWSCredentials is set but Get-AWSCredential returned nothing; skipped.";
        return null;
    }

    /// <summary>The values read now, for use off the pipeline thread.</summary>
    public ILiveShell Snapshot()
    {
        var credentials = StoredCredentials(out var note);
        return new Fixed(credentials, note, StoredRegion);
    }

    private sealed class Fixed : ILiveShell
    {
        private readonly object? _credentials;
        private readonly string? _note;
        public Fixed(object? credentials, string? note, string? region) { _credentials = credentials; _note = note; StoredRegion = region; }
        public string? StoredRegion { get; }
        public object? StoredCredentials(out string? note) { note = _note; return _credentials; }
    }
}

/// <summary>
/// Runs live work off the pipeline thread while the pipeline thread writes its verbose lines, warnings and progress
/// (cmdlet output must come from the pipeline thread); cancellation becomes a stopped pipeline.
/// </summary>
internal sealed class LiveReadPump : ILiveObserver
{
    private readonly BlockingCollection<Action<PSCmdlet>> _queue = new();
    private readonly ProgressRecord _progress;

    public LiveReadPump(int activityId, string activity) => _progress = new ProgressRecord(activityId, activity, "Starting");

    public void Verbose(string message) => _queue.Add(c => c.WriteVerbose(message));
    public void Warning(string message) => _queue.Add(c => c.WriteWarning(message));

    public void Progress(int completed, int started, string operation) => _queue.Add(c =>
    {
        _progress.StatusDescription = $"{completed} of {started} AWS calls answered";
        _progress.CurrentOperation = operation;
        _progress.PercentComplete = started == 0 ? 0 : Math.Min(99, completed * 100 / started);
        _progress.RecordType = ProgressRecordType.Processing;
        c.WriteProgress(_progress);
    });

    public T Run<T>(PSCmdlet cmdlet, Func<ILiveObserver, T> work, CancellationToken cancellationToken)
    {
        var task = Task.Run(() => work(this), cancellationToken);
        try
        {
            while (!task.IsCompleted)
                if (_queue.TryTake(out var action, 50)) action(cmdlet);
            while (_queue.TryTake(out var rest)) rest(cmdlet);
        }
        finally
        {
            _progress.RecordType = ProgressRecordType.Completed;
            _progress.PercentComplete = 100;
            try { cmdlet.WriteProgress(_progress); } catch (PipelineStoppedException) { } catch (InvalidOperationException) { }
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }
}
