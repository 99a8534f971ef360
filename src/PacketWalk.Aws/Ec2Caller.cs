using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using PacketWalk.Core.Snapshot;

namespace PacketWalk.Aws;

/// <summary>Receives what a live read does, from any thread. The cmdlet layer marshals it to the pipeline thread.</summary>
public interface ILiveReadObserver
{
    /// <summary>One line per API call (and the totals), in the spirit of AWS.Tools' verbose endpoint lines.</summary>
    void Verbose(string message);
    void Progress(LiveReadProgress progress);
    void Warning(string message);
}

/// <param name="Completed">Calls answered so far.</param>
/// <param name="Started">Calls started so far.</param>
/// <param name="Operation">The call just started or answered, e.g. "DescribeRouteTables (vpc-id=vpc-1)".</param>
public sealed record LiveReadProgress(int Completed, int Started, string Operation);

/// <summary>A read failed in a way the walk cannot continue past (not a refused kind). <see cref="ErrorId"/> is stable.</summary>
public sealed class LiveReadException : Exception
{
    public LiveReadException(string errorId, string message, string? awsErrorCode = null, Exception? inner = null) : base(message, inner)
    {
        ErrorId = errorId;
        AwsErrorCode = awsErrorCode;
    }

    public string ErrorId { get; }
    public string? AwsErrorCode { get; }
}

public static class LiveReadErrorIds
{
    /// <summary>A call the walk cannot do without (the endpoints, their subnets) was refused.</summary>
    public const string AccessDenied = "AwsAccessDenied";
    /// <summary>Throttling outlasted the SDK's retries.</summary>
    public const string Throttled = "AwsThrottled";
    /// <summary>The credentials were rejected (AuthFailure, expired token).</summary>
    public const string AuthenticationFailed = "AwsAuthenticationFailed";
    /// <summary>Any other service or transport error.</summary>
    public const string ServiceError = "AwsServiceError";
}

/// <summary>Shared state of one live read: counts, the observer, the request log and the refused kinds.</summary>
internal sealed class LiveReadContext
{
    private int _started, _completed;
    private readonly List<UnreadableResource> _unreadable = new();
    private readonly List<string> _warnings = new();

    public LiveReadContext(ILiveReadObserver? observer, RequestLog log, CancellationToken cancellationToken)
    {
        Observer = observer;
        Log = log;
        CancellationToken = cancellationToken;
    }

    public ILiveReadObserver? Observer { get; }
    public RequestLog Log { get; }
    public CancellationToken CancellationToken { get; }
    public int ApiCalls => Volatile.Read(ref _started);

    public void Started(string operation)
    {
        var started = Interlocked.Increment(ref _started);
        Observer?.Progress(new LiveReadProgress(Volatile.Read(ref _completed), started, operation));
    }

    public void Completed(string operation)
    {
        var done = Interlocked.Increment(ref _completed);
        Observer?.Progress(new LiveReadProgress(done, Volatile.Read(ref _started), operation));
    }

    public void Verbose(string message) => Observer?.Verbose(message);

    public void Warn(string message)
    {
        lock (_warnings) _warnings.Add(message);
        Observer?.Warning(message);
    }

    public void Refused(UnreadableResource denied)
    {
        lock (_unreadable)
        {
            if (_unreadable.Any(u => u.Kind == denied.Kind && u.ResourceId == denied.ResourceId && u.AccountId == denied.AccountId)) return;
            _unreadable.Add(denied);
        }
        Warn(denied.ToString() + $". Grant {denied.Action} to walk through this part; until then it is reported as Unknown.");
    }

    /// <summary>A call that kept failing past the SDK's retries (5xx, throttling, dropped or timed-out connections, a page
    /// that never ends): the kind is unreadable, so the walk says Unknown where it needs it, and a warning says why.</summary>
    public void Failed(UnreadableResource failed)
    {
        lock (_unreadable)
        {
            if (_unreadable.Any(u => u.Kind == failed.Kind && u.ResourceId == failed.ResourceId && u.AccountId == failed.AccountId)) return;
            _unreadable.Add(failed);
        }
        Warn(failed.ToString() + "; the part of the walk that needs it is reported as Unknown. Try again when the endpoint answers.");
    }

    public IReadOnlyList<UnreadableResource> Unreadable { get { lock (_unreadable) return _unreadable.ToList(); } }
    public IReadOnlyList<string> Warnings { get { lock (_warnings) return _warnings.ToList(); } }
}

/// <summary>
/// One session's EC2 client with the house rules for every call: one verbose line per call, paging to the end,
/// client-side re-application of the filters (endpoints that ignore a filter, like moto for some, still give the right
/// answer), refused calls recorded as unreadable kinds, other failures as <see cref="LiveReadException"/>.
/// </summary>
internal sealed class Ec2Caller : IDisposable
{
    private readonly LiveReadContext _context;

    public Ec2Caller(AwsSession session, LiveReadContext context)
    {
        Session = session;
        _context = context;
        Client = session.CreateEc2Client(context.Log);
    }

    public AwsSession Session { get; }
    public RecordingEc2Client Client { get; }
    public string Region => Session.Region.SystemName;

    public void Dispose() => Client.Dispose();

    /// <summary>
    /// Calls <paramref name="call"/> page by page until NextToken is empty and returns every item as CLI-shaped JSON.
    /// Returns null when the call was refused (the kind is then recorded as unreadable, or, for an
    /// <paramref name="essential"/> kind, a <see cref="LiveReadErrorIds.AccessDenied"/> exception is thrown).
    /// </summary>
    public async Task<List<JsonObject>?> PagesAsync<TResponse>(string operation, string kind, string scope,
        Func<string?, CancellationToken, Task<TResponse>> call, Func<TResponse, System.Collections.IEnumerable?> items, Func<TResponse, string?> nextToken,
        Func<JsonObject, bool>? keep = null, bool essential = false, string? resourceId = null)
        where TResponse : AmazonWebServiceResponse
    {
        var result = new List<JsonObject>();
        string? token = null;
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        int page = 0;
        do
        {
            _context.CancellationToken.ThrowIfCancellationRequested();
            page++;
            var label = $"{operation} ({scope}){(page > 1 ? $" page {page}" : "")}";
            _context.Started(label);
            var watch = Stopwatch.StartNew();
            TResponse response;
            try
            {
                response = await call(token, _context.CancellationToken).ConfigureAwait(false);
            }
            catch (AmazonServiceException ex) when (IsRefused(ex))
            {
                _context.Completed(label);
                _context.Verbose($"EC2 {label} [{Session.Describe()}]: refused ({ex.ErrorCode})");
                var action = "ec2:" + operation;
                if (essential)
                    throw new LiveReadException(LiveReadErrorIds.AccessDenied,
                        $"{action} was denied ({ex.ErrorCode}) for {Session.Label}; the walk cannot start without {kind}. Grant {action} (see the least-privilege policy in the README).",
                        ex.ErrorCode, ex);
                _context.Refused(new UnreadableResource(kind, action, ex.ErrorCode ?? "AccessDenied", resourceId, Session.AccountId));
                return null;
            }
            // What the SDK retried and gave up on, or would not retry (a client error such as a bad NextToken): a kind the walk
            // can do without becomes unreadable (Unknown where it is needed, with a warning); one it cannot start without is an error.
            catch (AmazonServiceException ex)
            {
                _context.Completed(label);
                var failure = Failure(label, ex);
                if (essential) throw failure;
                return GaveUp(operation, kind, resourceId, $"{ex.ErrorCode ?? ex.StatusCode.ToString()}{(page > 1 ? $" on page {page}" : "")}");
            }
            catch (AmazonClientException ex)
            {
                _context.Completed(label);
                if (essential) throw new LiveReadException(LiveReadErrorIds.ServiceError, $"EC2 {label} failed for {Session.Describe()}: {ex.Message}", null, ex);
                return GaveUp(operation, kind, resourceId, $"no answer: {FirstLine(ex.Message)}");
            }
            catch (HttpRequestException ex)
            {
                _context.Completed(label);
                if (essential) throw new LiveReadException(LiveReadErrorIds.ServiceError, $"EC2 {label} could not reach {Session.EndpointUrl ?? "EC2"}: {ex.Message}", null, ex);
                return GaveUp(operation, kind, resourceId, $"no answer: {FirstLine(ex.Message)}");
            }
            catch (Exception ex) when (ex is System.Xml.XmlException or IOException)
            {
                // An answer that ends early or is not the XML EC2 speaks (a dropped connection, a broken proxy).
                _context.Completed(label);
                if (essential) throw new LiveReadException(LiveReadErrorIds.ServiceError, $"EC2 {label} gave an unreadable answer for {Session.Describe()}: {FirstLine(ex.Message)}", null, ex);
                return GaveUp(operation, kind, resourceId, $"unreadable answer: {FirstLine(ex.Message)}");
            }
            catch (OperationCanceledException ex) when (!_context.CancellationToken.IsCancellationRequested)
            {
                // Not the caller's Ctrl+C: the HTTP client timed out.
                _context.Completed(label);
                if (essential) throw new LiveReadException(LiveReadErrorIds.ServiceError, $"EC2 {label} timed out for {Session.Describe()}.", null, ex);
                return GaveUp(operation, kind, resourceId, "timed out");
            }
            _context.Completed(label);
            int count = 0, kept = 0;
            if (items(response) is { } list)
            {
                foreach (var item in list)
                {
                    if (item is null) continue;
                    count++;
                    if (SdkJson.ToNode(item) is JsonObject obj && (keep is null || keep(obj)))
                    {
                        result.Add(obj);
                        kept++;
                    }
                }
            }
            token = nextToken(response);
            if (!string.IsNullOrEmpty(token) && (!tokens.Add(token) || page >= MaxPages))
            {
                // An endpoint that hands out a NextToken it already gave (or pages without end) would keep the read going
                // forever; what was read so far is not the whole list, so it is not used.
                var why = page >= MaxPages ? $"still paging after {MaxPages} pages" : $"NextToken repeated on page {page}";
                if (essential) throw new LiveReadException(LiveReadErrorIds.ServiceError, $"EC2 {label} for {Session.Describe()}: {why}; the list never ends.");
                return GaveUp(operation, kind, resourceId, why);
            }
            _context.Verbose($"EC2 {label} [{Session.Describe()}]: {count} item(s){(kept != count ? $", {kept} kept after re-applying the filter" : "")}{(string.IsNullOrEmpty(token) ? "" : ", more pages")} in {watch.ElapsedMilliseconds} ms");
        }
        while (!string.IsNullOrEmpty(token));
        return result;
    }

    /// <summary>Pages read for one call before the list counts as endless.</summary>
    public const int MaxPages = 10_000;

    private List<JsonObject>? GaveUp(string operation, string kind, string? resourceId, string why)
    {
        _context.Verbose($"EC2 {operation} [{Session.Describe()}]: gave up ({why})");
        _context.Failed(new UnreadableResource(kind, "ec2:" + operation, why, resourceId, Session.AccountId) { Failed = true });
        return null;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    private static bool IsRefused(AmazonServiceException ex) =>
        ex.ErrorCode is "UnauthorizedOperation" or "AccessDenied" or "AccessDeniedException" or "UnauthorizedAccess" or "Client.UnauthorizedOperation";

    private LiveReadException Failure(string label, AmazonServiceException ex)
    {
        var id = ex.ErrorCode switch
        {
            "RequestLimitExceeded" or "Throttling" or "ThrottlingException" => LiveReadErrorIds.Throttled,
            "AuthFailure" or "ExpiredToken" or "InvalidClientTokenId" or "SignatureDoesNotMatch" or "UnrecognizedClientException" => LiveReadErrorIds.AuthenticationFailed,
            _ => LiveReadErrorIds.ServiceError,
        };
        var advice = id == LiveReadErrorIds.Throttled ? " The SDK's retries were used up; try again later." : "";
        return new LiveReadException(id, $"EC2 {label} failed for {Session.Describe()}: {ex.ErrorCode}: {ex.Message}{advice}", ex.ErrorCode, ex);
    }

    // ---- filters ---------------------------------------------------------------------------------------------------

    public static List<Filter> Filters(params (string Name, IEnumerable<string> Values)[] filters) =>
        filters.Select(f => new Filter { Name = f.Name, Values = f.Values.Distinct(StringComparer.Ordinal).ToList() }).ToList();

    public static string Scope(params (string Name, IEnumerable<string> Values)[] filters) =>
        filters.Length == 0 ? "all" : string.Join("; ", filters.Select(f => $"{f.Name}={string.Join(",", f.Values.Distinct(StringComparer.Ordinal))}"));

    /// <summary>Keeps objects whose string property is one of <paramref name="values"/>.</summary>
    public static Func<JsonObject, bool> PropertyIn(string property, IEnumerable<string> values)
    {
        var set = values.ToHashSet(StringComparer.Ordinal);
        return o => o[property] is JsonValue v && v.TryGetValue<string>(out var s) && set.Contains(s);
    }
}
