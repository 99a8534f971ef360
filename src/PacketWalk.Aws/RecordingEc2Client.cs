using System.Collections.Concurrent;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace PacketWalk.Aws;

/// <summary>
/// Every request the module put on the wire, attempt by attempt (a throttled call retried twice appears three times).
/// Tests read it to prove that nothing but read calls was sent; the verbose stream reports its totals.
/// </summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<SentRequest> _sent = new();

    public void Add(SentRequest request) => _sent.Enqueue(request);

    public IReadOnlyList<SentRequest> Sent => _sent.ToArray();

    /// <summary>The operation names (DescribeVpcs, SearchTransitGatewayRoutes, …) in the order they were sent.</summary>
    public IReadOnlyList<string> Operations => _sent.Select(r => r.Operation).ToArray();
}

/// <param name="Operation">The API operation, e.g. DescribeVpcs.</param>
/// <param name="Attempt">0 for the first try, then the retry number.</param>
public sealed record SentRequest(string Operation, int Attempt, string Service);

/// <summary>
/// The EC2 client PacketWalk uses: the SDK's own, with one handler inside the retry handler that records each attempt
/// in a <see cref="RequestLog"/>. It changes nothing about the request.
/// </summary>
public sealed class RecordingEc2Client : AmazonEC2Client
{
    // Initialised before the base constructor runs, which is where CustomizeRuntimePipeline is called.
    private readonly RequestLog _log = new();
    private RequestLog? _shared;

    public RecordingEc2Client(AWSCredentials credentials, AmazonEC2Config config, RequestLog log) : base(credentials, config)
    {
        _shared = log;
    }

    public RequestLog Log => _shared ?? _log;

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerAfter<RetryHandler>(new RecordingHandler(() => Log, "ec2"));
    }
}

/// <summary>Records the operation name of every attempt that reaches the HTTP layer.</summary>
internal sealed class RecordingHandler : PipelineHandler
{
    private readonly Func<RequestLog> _log;
    private readonly string _service;

    public RecordingHandler(Func<RequestLog> log, string service)
    {
        _log = log;
        _service = service;
    }

    public override void InvokeSync(IExecutionContext executionContext)
    {
        Record(executionContext);
        base.InvokeSync(executionContext);
    }

    public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        Record(executionContext);
        return base.InvokeAsync<T>(executionContext);
    }

    private void Record(IExecutionContext context)
    {
        var name = context.RequestContext.RequestName ?? context.RequestContext.OriginalRequest?.GetType().Name ?? "?";
        if (name.EndsWith("Request", StringComparison.Ordinal)) name = name[..^"Request".Length];
        _log().Add(new SentRequest(name, context.RequestContext.Retries, _service));
    }
}
