using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace PacketWalk.Ec2Stub;

/// <summary>One request as the stub received it.</summary>
public sealed class StubRequest
{
    public int Sequence { get; init; }
    /// <summary>The Query-API Action (DescribeVpcs, AssumeRole, …).</summary>
    public string Action { get; init; } = "";
    /// <summary>"ec2" or "sts", from the signature's credential scope.</summary>
    public string Service { get; init; } = "";
    public string? AccessKeyId { get; init; }
    public string Account { get; init; } = "";
    /// <summary>The region the request was signed for (the credential scope's region).</summary>
    public string? Region { get; init; }
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>How many requests with this Action came before this one (0 for the first).</summary>
    public int ActionAttempt { get; init; }

    public string? Parameter(string name) => Parameters.TryGetValue(name, out var v) ? v : null;
}

/// <summary>An answer a hook gives instead of the stub's own.</summary>
public sealed class StubResponse
{
    public int StatusCode { get; init; } = 200;
    public string Body { get; init; } = "";
    public string ContentType { get; init; } = "text/xml";
    /// <summary>Waited before answering (a slow endpoint).</summary>
    public TimeSpan Delay { get; init; }
    /// <summary>Drop the connection without an answer (a reset connection).</summary>
    public bool Abort { get; init; }
    /// <summary>Send the stub's own answer (after <see cref="Delay"/>, through <see cref="Transform"/>) instead of <see cref="Body"/>.</summary>
    public bool UseOwnAnswer { get; init; }
    /// <summary>Rewrites the stub's own answer body (with <see cref="UseOwnAnswer"/>): a missing field, an extra NextToken.</summary>
    public Func<string, string>? Transform { get; init; }

    public static StubResponse Ec2Error(int status, string code, string message) =>
        new() { StatusCode = status, Body = Ec2Xml.Error(code, message, Guid.NewGuid().ToString()) };
}

/// <summary>Ready-made hooks.</summary>
public static class StubFaults
{
    /// <summary>The first <paramref name="times"/> calls of <paramref name="action"/> are throttled (503 RequestLimitExceeded).</summary>
    public static Func<StubRequest, StubResponse?> Throttle(string action, int times) =>
        r => r.Action == action && r.ActionAttempt < times ? StubResponse.Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.") : null;

    /// <summary>Every call of <paramref name="action"/> answers only after <paramref name="delay"/> (with an empty, malformed body: it is meant to be cancelled).</summary>
    public static Func<StubRequest, StubResponse?> Delay(string action, TimeSpan delay) =>
        r => r.Action == action ? new StubResponse { Delay = delay, StatusCode = 500, Body = Ec2Xml.Error("InternalError", "delayed answer", "stub") } : null;

    /// <summary>Every call of <paramref name="action"/> is refused (403 UnauthorizedOperation), as a missing IAM action would be.</summary>
    public static Func<StubRequest, StubResponse?> Unauthorized(string action) =>
        r => r.Action == action ? StubResponse.Ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.") : null;
}

/// <summary>
/// The EC2 and STS Query APIs on 127.0.0.1, answering from a <see cref="StubEstate"/>. Every request is recorded
/// (<see cref="Requests"/>, and GET /__requests as JSON for out-of-process tests). <see cref="Hooks"/> run first for
/// every request, in order; the first non-null answer is sent instead of the stub's own — the place to add faults.
/// Lists are paged by <see cref="PageSize"/> with NextToken. Filters the stub does not know are rejected with
/// InvalidParameterValue, so a reader that relies on one is caught.
/// </summary>
public sealed class Ec2StubServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<StubRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private int _sequence;
    private Task? _loop;

    public Ec2StubServer(StubEstate estate) => Estate = estate;

    public StubEstate Estate { get; }
    public List<Func<StubRequest, StubResponse?>> Hooks { get; } = new();
    /// <summary>Items per page of a list answer; more items give a NextToken.</summary>
    public int PageSize { get; set; } = 1000;
    public string Url { get; private set; } = "";
    public int Port { get; private set; }

    public IReadOnlyList<StubRequest> Requests => _requests.ToArray();
    public IReadOnlyList<string> Actions => _requests.Select(r => r.Action).ToArray();
    /// <summary>Requests received per Action (retries included), sorted by name: the endpoint's side of a call count.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> RequestsByAction =>
        _requests.GroupBy(r => r.Action, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, g.Count()))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

    public void ClearRequests()
    {
        while (_requests.TryDequeue(out _)) { }
        _attempts.Clear();
    }

    /// <summary>Listens on a free port of 127.0.0.1 (or <paramref name="port"/>).</summary>
    public Ec2StubServer Start(int port = 0)
    {
        for (int attempt = 0; ; attempt++)
        {
            var p = port != 0 ? port : FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{p}/");
            try
            {
                _listener.Start();
                Port = p;
                Url = $"http://127.0.0.1:{p}/";
                break;
            }
            catch (HttpListenerException) when (port == 0 && attempt < 5) { }
        }
        _loop = Task.Run(LoopAsync);
        return this;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening) { return; }
            catch (HttpListenerException) { continue; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var response = await AnswerAsync(context.Request).ConfigureAwait(false);
            if (response.Delay > TimeSpan.Zero) await Task.Delay(response.Delay).ConfigureAwait(false);
            if (response.Abort)
            {
                // Promise a body, send a few bytes of it, then drop the connection: the client sees the answer end early.
                context.Response.StatusCode = 200;
                context.Response.ContentLength64 = 4096;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("<?xml version")).ConfigureAwait(false);
                await context.Response.OutputStream.FlushAsync().ConfigureAwait(false);
                context.Response.Abort();
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.StatusCode = response.StatusCode;
            context.Response.ContentType = response.ContentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex)
        {
            try
            {
                var bytes = Encoding.UTF8.GetBytes(Ec2Xml.Error("InternalError", "stub failure: " + ex.Message, "stub"));
                context.Response.StatusCode = 500;
                context.Response.OutputStream.Write(bytes);
                context.Response.Close();
            }
            catch (Exception) { }
        }
    }

    private async Task<StubResponse> AnswerAsync(HttpListenerRequest http)
    {
        if (http.HttpMethod == "GET" && http.Url?.AbsolutePath == "/__requests")
            return new StubResponse { ContentType = "application/json", Body = JsonSerializer.Serialize(Requests.Select(r => new { r.Sequence, r.Action, r.Service, r.Account, r.Region, r.ActionAttempt })) };

        string body;
        using (var reader = new StreamReader(http.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var form = HttpUtility.ParseQueryString(body);
        if (http.Url?.Query is { Length: > 1 } query)
            foreach (var (k, v) in HttpUtility.ParseQueryString(query).AllKeys.Select(k => (k, HttpUtility.ParseQueryString(query)[k])))
                if (k is not null && form[k] is null) form[k] = v;
        var parameters = form.AllKeys.OfType<string>().ToDictionary(k => k, k => form[k] ?? "", StringComparer.Ordinal);
        var (accessKey, service, region) = Signature(http.Headers["Authorization"]);
        var action = parameters.TryGetValue("Action", out var a) ? a : "";
        var request = new StubRequest
        {
            Sequence = Interlocked.Increment(ref _sequence),
            Action = action,
            Service = service ?? "",
            AccessKeyId = accessKey,
            Account = Estate.AccountFor(accessKey),
            Region = region,
            Parameters = parameters,
            ActionAttempt = _attempts.AddOrUpdate(action, 0, (_, n) => n + 1),
        };
        _requests.Enqueue(request);

        foreach (var hook in Hooks.ToArray())
            if (hook(request) is { } answer)
            {
                if (!answer.UseOwnAnswer) return answer;
                var own = OwnAnswer(request);
                return new StubResponse
                {
                    StatusCode = own.StatusCode, ContentType = own.ContentType, Delay = answer.Delay, Abort = answer.Abort,
                    Body = answer.Transform is null ? own.Body : answer.Transform(own.Body),
                };
            }
        return OwnAnswer(request);
    }

    private StubResponse OwnAnswer(StubRequest request)
    {
        try
        {
            return request.Action switch
            {
                "AssumeRole" => AssumeRole(request),
                "GetCallerIdentity" => CallerIdentity(request),
                _ when Ec2Xml.Serves(request.Action) => new StubResponse { Body = Ec2Xml.Response(request.Action, Ec2Operations.Answer(this, request), Guid.NewGuid().ToString()) },
                _ => StubResponse.Ec2Error(400, "InvalidAction", $"The action {request.Action} is not valid for this web service."),
            };
        }
        catch (StubInputException ex)
        {
            return StubResponse.Ec2Error(400, ex.Code, ex.Message);
        }
    }

    /// <summary>The access key and service from "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, …".</summary>
    private static (string? AccessKey, string? Service, string? Region) Signature(string? authorization)
    {
        if (authorization is null) return (null, null, null);
        var i = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (i < 0) return (null, null, null);
        var scope = authorization[(i + "Credential=".Length)..].Split(',')[0].Split('/');
        return (scope[0], scope.Length > 3 ? scope[3] : null, scope.Length > 2 ? scope[2] : null);
    }

    // ---- STS ----------------------------------------------------------------------------------------------------

    private const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private StubResponse AssumeRole(StubRequest request)
    {
        var arn = request.Parameter("RoleArn") ?? "";
        var parts = arn.Split(':');
        var account = parts.Length > 4 ? parts[4] : "";
        if (!Estate.HasAccount(account))
            return StsError(403, "AccessDenied", $"User is not authorized to perform: sts:AssumeRole on resource: {arn}");
        var key = $"ASIASTUB{account}{Interlocked.Increment(ref _sequence):D6}";
        Estate.MapAccessKey(key, account);
        return new StubResponse
        {
            Body = Ec2Xml.Document(w =>
            {
                w.WriteStartDocument();
                w.WriteStartElement("AssumeRoleResponse", StsNamespace);
                w.WriteStartElement("AssumeRoleResult", StsNamespace);
                w.WriteStartElement("Credentials", StsNamespace);
                w.WriteElementString("AccessKeyId", StsNamespace, key);
                w.WriteElementString("SecretAccessKey", StsNamespace, "stub-secret-" + account);
                w.WriteElementString("SessionToken", StsNamespace, "stub-token-" + account);
                w.WriteElementString("Expiration", StsNamespace, DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
                w.WriteEndElement();
                w.WriteStartElement("AssumedRoleUser", StsNamespace);
                w.WriteElementString("AssumedRoleId", StsNamespace, "AROASTUB:" + (request.Parameter("RoleSessionName") ?? "s"));
                w.WriteElementString("Arn", StsNamespace, $"arn:aws:sts::{account}:assumed-role/{arn.Split('/').Last()}/{request.Parameter("RoleSessionName")}");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteStartElement("ResponseMetadata", StsNamespace);
                w.WriteElementString("RequestId", StsNamespace, Guid.NewGuid().ToString());
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndDocument();
            }),
        };
    }

    private StubResponse CallerIdentity(StubRequest request) => new()
    {
        Body = Ec2Xml.Document(w =>
        {
            w.WriteStartDocument();
            w.WriteStartElement("GetCallerIdentityResponse", StsNamespace);
            w.WriteStartElement("GetCallerIdentityResult", StsNamespace);
            w.WriteElementString("Arn", StsNamespace, $"arn:aws:iam::{request.Account}:user/stub");
            w.WriteElementString("UserId", StsNamespace, "AIDASTUB");
            w.WriteElementString("Account", StsNamespace, request.Account);
            w.WriteEndElement();
            w.WriteStartElement("ResponseMetadata", StsNamespace);
            w.WriteElementString("RequestId", StsNamespace, Guid.NewGuid().ToString());
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndDocument();
        }),
    };

    private static StubResponse StsError(int status, string code, string message) => new()
    {
        StatusCode = status,
        Body = Ec2Xml.Document(w =>
        {
            w.WriteStartDocument();
            w.WriteStartElement("ErrorResponse", StsNamespace);
            w.WriteStartElement("Error", StsNamespace);
            w.WriteElementString("Type", StsNamespace, "Sender");
            w.WriteElementString("Code", StsNamespace, code);
            w.WriteElementString("Message", StsNamespace, message);
            w.WriteEndElement();
            w.WriteElementString("RequestId", StsNamespace, Guid.NewGuid().ToString());
            w.WriteEndElement();
            w.WriteEndDocument();
        }),
    };

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        try { _loop?.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}

/// <summary>A request the stub rejects with an EC2 error code (InvalidParameterValue, …).</summary>
public sealed class StubInputException : Exception
{
    public StubInputException(string code, string message) : base(message) => Code = code;
    public string Code { get; }
}
