using System.Runtime.Loader;
using Amazon.Runtime;
using PacketWalk.Core.Live;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Aws;

/// <summary>
/// The reader behind <see cref="ILiveAws"/>: the cmdlets create it by reflection (it may live in a load context of its
/// own) and talk to it only through Core's plain types. Every failure leaves as a <see cref="LiveAwsException"/>.
/// </summary>
public sealed class LiveAwsFacade : ILiveAws
{
    public string SdkDescription
    {
        get
        {
            var sdk = typeof(AWSCredentials).Assembly;
            var context = AssemblyLoadContext.GetLoadContext(sdk);
            return $"AWSSDK.Core {System.Diagnostics.FileVersionInfo.GetVersionInfo(sdk.Location).FileVersion} from {sdk.Location} (load context '{context?.Name ?? "?"}')";
        }
    }

    private sealed class Sessions : ILiveSessions
    {
        public Sessions(IReadOnlyList<AwsSession> list) => List = list;
        public IReadOnlyList<AwsSession> List { get; }
        public IReadOnlyList<string> Descriptions => List.Select(s => s.Describe()).ToList();
    }

    private sealed class Read : ILiveRead
    {
        public Read(LiveEstate estate, string source)
        {
            Estate = estate;
            Source = source;
        }

        public LiveEstate Estate { get; }
        private string Source { get; }
        public NetworkModel BuildModel()
        {
            try { return Estate.BuildModel(Source); }
            catch (SnapshotException ex)
            {
                // AWS answered with something the model cannot take (a reference to a resource it did not return).
                throw new LiveAwsException(ex.ErrorId, LiveFailure.InvalidData, ex.Message, null, ex);
            }
        }
        public int ApiCalls => Estate.ApiCalls;
        public TimeSpan Elapsed => Estate.Elapsed;
        public IReadOnlyList<string> Accounts => Estate.Documents.Select(d => d.AccountId ?? SnapshotWriter.UnknownAccount).Distinct().ToList();
        public IReadOnlyList<string> Regions => Estate.Documents.Select(d => d.Region).Distinct().ToList();
        public IReadOnlyList<string> Kinds => Estate.Documents.Select(d => d.Key).Distinct().ToList();
        public int VpcCount => Estate.Documents.Where(d => d.Key == "Vpcs").Sum(d => d.Items.Count);
        public IReadOnlyList<UnreadableResource> Unreadable => Estate.Unreadable;
        public IReadOnlyList<string> PlannedFiles(string root) => SnapshotWriter.PlannedFiles(root, Estate);
    }

    private sealed class Observer : ILiveReadObserver
    {
        private readonly ILiveObserver _inner;
        public Observer(ILiveObserver inner) => _inner = inner;
        public void Verbose(string message) => _inner.Verbose(message);
        public void Progress(LiveReadProgress progress) => _inner.Progress(progress.Completed, progress.Started, progress.Operation);
        public void Warning(string message) => _inner.Warning(message);
    }

    private sealed class Shell : IShellAwsDefaults
    {
        private readonly ILiveShell _inner;
        public Shell(ILiveShell inner) => _inner = inner;
        public string? StoredRegion => _inner.StoredRegion;

        public AWSCredentials? StoredCredentials(out string? note)
        {
            var stored = _inner.StoredCredentials(out note);
            if (stored is null or AWSCredentials) return (AWSCredentials?)stored;
            note = $"$StoredAWSCredentials holds a {stored.GetType().FullName} from another copy of the AWS SDK than PacketWalk's reader uses; skipped.";
            return null;
        }
    }

    public ILiveSessions OpenSessions(LiveCredentialRequest request, ILiveShell? shell, Action<string> debug, ILiveObserver observer, CancellationToken cancellationToken)
    {
        AWSCredentials? credential = request.Credential switch
        {
            null => null,
            AWSCredentials c => c,
            var other => throw new LiveAwsException(AwsSessionErrorIds.InvalidCredential, LiveFailure.InvalidArgument,
                $"-Credential takes an Amazon.Runtime.AWSCredentials (for example from Get-AWSCredential), not a {other.GetType().FullName}."
                + (other.GetType().FullName == typeof(AWSCredentials).FullName || other.GetType().BaseType?.FullName == typeof(AWSCredentials).FullName
                    ? " It comes from another copy of the AWS SDK than the one PacketWalk's reader loaded; import AWS.Tools before the first live walk." : "")),
        };
        var options = new AwsCredentialOptions
        {
            AccessKey = request.AccessKey,
            SecretKey = request.SecretKey,
            SessionToken = request.SessionToken,
            Credential = credential,
            ProfileName = request.ProfileName,
            ProfileLocation = request.ProfileLocation,
            Region = request.Region,
            EndpointUrl = request.EndpointUrl,
            AssumeRoleArns = request.AssumeRoleArns,
        };
        try
        {
            var caller = AwsSessionFactory.Resolve(options, shell is null ? null : new Shell(shell), debug);
            var list = new List<AwsSession>();
            if (!request.RolesOnly || request.AssumeRoleArns.Count == 0) list.Add(caller);
            if (request.AssumeRoleArns.Count > 0)
            {
                var roles = AwsSessionFactory.AssumeRolesAsync(caller, request.AssumeRoleArns, new RequestLog(), observer.Verbose, cancellationToken).GetAwaiter().GetResult();
                foreach (var r in roles) debug($"Credentials for account {r.AccountId} obtained from {r.CredentialSource}");
                list.AddRange(roles);
            }
            return new Sessions(list);
        }
        catch (AwsSessionException ex) { throw Wrap(ex); }
    }

    public ILiveRead ReadForWalk(ILiveSessions sessions, IReadOnlyCollection<string> endpoints, ILiveObserver observer, CancellationToken cancellationToken)
    {
        var list = ((Sessions)sessions).List;
        try
        {
            var estate = new LiveEstateReader(list, new Observer(observer)).ReadForWalkAsync(endpoints, cancellationToken).GetAwaiter().GetResult();
            return new Read(estate, $"live {string.Join(", ", list.Select(s => s.Describe()))}");
        }
        catch (LiveReadException ex) { throw Wrap(ex); }
        catch (AwsSessionException ex) { throw Wrap(ex); }
    }

    public ILiveRead ReadScope(ILiveSessions sessions, IReadOnlyCollection<string>? vpcIds, ILiveObserver observer, CancellationToken cancellationToken)
    {
        var list = ((Sessions)sessions).List;
        try
        {
            var estate = new LiveEstateReader(list, new Observer(observer)).ReadScopeAsync(vpcIds, cancellationToken).GetAwaiter().GetResult();
            return new Read(estate, $"live {string.Join(", ", list.Select(s => s.Describe()))}");
        }
        catch (LiveReadException ex) { throw Wrap(ex); }
        catch (AwsSessionException ex) { throw Wrap(ex); }
    }

    public IReadOnlyList<string> WriteSnapshot(ILiveRead read, string root, bool redact) => SnapshotWriter.Write(root, ((Read)read).Estate, redact);

    public IFlowLogObjectStore OpenFlowLogStore(ILiveSessions sessions) => new FlowLogStore(new FlowLogs.S3FlowLogSource(((Sessions)sessions).List[0]));

    private sealed class FlowLogStore : IFlowLogObjectStore
    {
        private readonly FlowLogs.S3FlowLogSource _source;
        public FlowLogStore(FlowLogs.S3FlowLogSource source) => _source = source;

        public IReadOnlyList<string> ListLogKeys(string bucket, string? prefix, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
        {
            try { return _source.ListLogKeys(bucket, prefix, from, to, cancellationToken); }
            catch (FlowLogs.S3FlowLogException ex) { throw Wrap(ex); }
        }

        public Stream Open(string bucket, string key, CancellationToken cancellationToken)
        {
            try { return _source.Open(bucket, key, cancellationToken); }
            catch (FlowLogs.S3FlowLogException ex) { throw Wrap(ex); }
        }

        public void Dispose() => _source.Dispose();

        private static LiveAwsException Wrap(FlowLogs.S3FlowLogException ex) => new(ex.ErrorId, ex.ErrorId switch
        {
            FlowLogs.S3FlowLogErrorIds.BucketNotFound => LiveFailure.NotFound,
            FlowLogs.S3FlowLogErrorIds.AccessDenied => LiveFailure.PermissionDenied,
            FlowLogs.S3FlowLogErrorIds.NoCredentials => LiveFailure.Authentication,
            _ => LiveFailure.Read,
        }, ex.Message, null, ex);
    }

    private static LiveAwsException Wrap(AwsSessionException ex) => new(ex.ErrorId, ex.ErrorId switch
    {
        AwsSessionErrorIds.NoCredentials => LiveFailure.Authentication,
        AwsSessionErrorIds.ProfileNotFound => LiveFailure.NotFound,
        AwsSessionErrorIds.AssumeRoleFailed => LiveFailure.PermissionDenied,
        _ => LiveFailure.InvalidArgument,
    }, ex.Message, null, ex);

    private static LiveAwsException Wrap(LiveReadException ex) => new(ex.ErrorId, ex.ErrorId switch
    {
        LiveReadErrorIds.AccessDenied => LiveFailure.PermissionDenied,
        LiveReadErrorIds.Throttled => LiveFailure.LimitsExceeded,
        LiveReadErrorIds.AuthenticationFailed => LiveFailure.Authentication,
        _ => LiveFailure.Connection,
    }, ex.Message, ex.AwsErrorCode, ex);
}
