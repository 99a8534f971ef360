using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Live;

// The seam between the cmdlets and the live AWS reader (PacketWalk.Aws). Only plain types cross it, so the reader and the
// AWS SDK it ships can be loaded into a load context of their own when no other module has loaded an AWS SDK yet (and a
// module imported later loads its own copy without a clash), or bind to the SDK already loaded (AWS.Tools) otherwise.

/// <summary>The common credential parameters as bound by a cmdlet (AWS.Tools' names). <see cref="Credential"/> is an Amazon.Runtime.AWSCredentials.</summary>
public sealed class LiveCredentialRequest
{
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public string? SessionToken { get; init; }
    public object? Credential { get; init; }
    public string? ProfileName { get; init; }
    public string? ProfileLocation { get; init; }
    public string? Region { get; init; }
    public string? EndpointUrl { get; init; }
    public IReadOnlyList<string> AssumeRoleArns { get; init; } = Array.Empty<string>();
    /// <summary>Use only the assumed roles' sessions (export), not the caller's own, when roles are given.</summary>
    public bool RolesOnly { get; init; }
}

/// <summary>What the shell has set with AWS.Tools: $StoredAWSCredentials (read through Get-AWSCredential) and $StoredAWSRegion.</summary>
public interface ILiveShell
{
    /// <summary>An Amazon.Runtime.AWSCredentials, or null; <paramref name="note"/> says why when set but unusable.</summary>
    object? StoredCredentials(out string? note);
    string? StoredRegion { get; }
}

/// <summary>Receives what a live read does, from any thread.</summary>
public interface ILiveObserver
{
    void Verbose(string message);
    void Warning(string message);
    void Progress(int completed, int started, string operation);
}

/// <summary>Resolved sessions (the caller's and assumed roles'), opaque outside the reader. <see cref="Descriptions"/> hold no secret.</summary>
public interface ILiveSessions
{
    IReadOnlyList<string> Descriptions { get; }
}

/// <summary>What a live read got: the model the walk runs on, counts, and (for an export) the documents to write.</summary>
public interface ILiveRead
{
    NetworkModel BuildModel();
    int ApiCalls { get; }
    TimeSpan Elapsed { get; }
    IReadOnlyList<string> Accounts { get; }
    IReadOnlyList<string> Regions { get; }
    IReadOnlyList<string> Kinds { get; }
    int VpcCount { get; }
    IReadOnlyList<UnreadableResource> Unreadable { get; }
    /// <summary>The files <see cref="ILiveAws.WriteSnapshot"/> would write under <paramref name="root"/>.</summary>
    IReadOnlyList<string> PlannedFiles(string root);
}

/// <summary>The live AWS reader, as the cmdlets see it. Failures are <see cref="LiveAwsException"/>.</summary>
public interface ILiveAws
{
    /// <summary>Where the AWS SDK this reader uses was loaded from, and in which load context (for -Debug and tests).</summary>
    string SdkDescription { get; }
    ILiveSessions OpenSessions(LiveCredentialRequest request, ILiveShell? shell, Action<string> debug, ILiveObserver observer, CancellationToken cancellationToken);
    ILiveRead ReadForWalk(ILiveSessions sessions, IReadOnlyCollection<string> endpoints, ILiveObserver observer, CancellationToken cancellationToken);
    ILiveRead ReadScope(ILiveSessions sessions, IReadOnlyCollection<string>? vpcIds, ILiveObserver observer, CancellationToken cancellationToken);
    IReadOnlyList<string> WriteSnapshot(ILiveRead read, string root, bool redact);
    /// <summary>Flow-log objects in S3 (read-only: ListObjectsV2, GetObject), with the first session's credentials and region.</summary>
    IFlowLogObjectStore OpenFlowLogStore(ILiveSessions sessions);
}

/// <summary>Flow-log objects as AWS delivers them to S3. Failures are <see cref="LiveAwsException"/>.</summary>
public interface IFlowLogObjectStore : IDisposable
{
    /// <summary>The log objects under the prefix, sorted by key; day folders wholly outside the window are skipped.</summary>
    IReadOnlyList<string> ListLogKeys(string bucket, string? prefix, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken);
    /// <summary>Opens one object for streaming; dispose the stream to release the connection.</summary>
    Stream Open(string bucket, string key, CancellationToken cancellationToken);
}

/// <summary>The kinds of live failure, for the cmdlet's error category.</summary>
public enum LiveFailure { Authentication, NotFound, InvalidArgument, PermissionDenied, LimitsExceeded, Connection, InvalidData, Read }

/// <summary>A live failure with a stable <see cref="ErrorId"/> (AwsNoCredentials, AwsAccessDenied, …). Never carries a secret.</summary>
public sealed class LiveAwsException : Exception
{
    public LiveAwsException(string errorId, LiveFailure failure, string message, string? awsErrorCode = null, Exception? inner = null) : base(message, inner)
    {
        ErrorId = errorId;
        Failure = failure;
        AwsErrorCode = awsErrorCode;
    }

    public string ErrorId { get; }
    public LiveFailure Failure { get; }
    public string? AwsErrorCode { get; }
}
