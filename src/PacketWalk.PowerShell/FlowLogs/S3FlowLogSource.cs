using System.IO;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Amazon.S3.Model;
using PacketWalk.Core.FlowLogs;

namespace PacketWalk.PowerShell.FlowLogs;

/// <summary>The credential, region and endpoint parameters as bound (AWS.Tools' names).</summary>
/// <remarks>
/// INTERIM: issue 4 (live reads) owns the AWS.Tools credential chain (AwsSessionFactory). Until it is on main this
/// handles only the explicit parameters and otherwise leaves credentials and region to the SDK's own default chain
/// (environment, AWS_PROFILE, default profile, container, instance profile) after $StoredAWSRegion. Unify with it.
/// </remarks>
public sealed class S3ConnectionOptions
{
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public string? SessionToken { get; init; }
    public AWSCredentials? Credential { get; init; }
    public string? ProfileName { get; init; }
    public string? ProfileLocation { get; init; }
    public string? Region { get; init; }
    public string? EndpointUrl { get; init; }
}

/// <summary>Why S3 could not be read; <see cref="ErrorId"/> is stable.</summary>
public sealed class S3FlowLogException : Exception
{
    public S3FlowLogException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;
    public string ErrorId { get; }
}

public static class S3FlowLogErrorIds
{
    public const string IncompleteKeys = "PacketWalkFlowLogS3IncompleteKeys";
    public const string ProfileNotFound = "PacketWalkFlowLogS3ProfileNotFound";
    public const string InvalidRegion = "PacketWalkFlowLogS3InvalidRegion";
    public const string InvalidEndpointUrl = "PacketWalkFlowLogS3InvalidEndpointUrl";
    public const string NoCredentials = "PacketWalkFlowLogS3NoCredentials";
    public const string BucketNotFound = "PacketWalkFlowLogS3BucketNotFound";
    public const string AccessDenied = "PacketWalkFlowLogS3AccessDenied";
    public const string ReadFailed = "PacketWalkFlowLogS3ReadFailed";
}

/// <summary>
/// Lists and opens flow-log objects under a bucket and prefix, as AWS delivers them
/// (<c>AWSLogs/&lt;account&gt;/vpcflowlogs/&lt;region&gt;/yyyy/mm/dd/…log.gz</c>). Objects are streamed one at a time;
/// nothing is downloaded to disk. Read-only: ListObjectsV2 and GetObject.
/// </summary>
public sealed class S3FlowLogSource : IDisposable
{
    private readonly IAmazonS3 _client;

    public S3FlowLogSource(S3ConnectionOptions options, string? shellRegion, Action<string> debug)
    {
        _client = CreateClient(options, shellRegion, debug);
    }

    internal static AmazonS3Client CreateClient(S3ConnectionOptions o, string? shellRegion, Action<string> debug)
    {
        var config = new AmazonS3Config { RetryMode = RequestRetryMode.Standard };
        var regionName = o.Region ?? shellRegion;
        RegionEndpoint? region = null;
        if (regionName is not null)
        {
            region = RegionEndpoint.GetBySystemName(regionName);
            if (region.DisplayName == "Unknown" && o.EndpointUrl is null)
                throw new S3FlowLogException(S3FlowLogErrorIds.InvalidRegion, $"'{regionName}' is not an AWS region name (e.g. us-east-1).");
            debug($"Region obtained from {(o.Region is not null ? "the -Region parameter" : "$StoredAWSRegion")} with value '{regionName}'");
        }
        else debug("Region left to the SDK's default chain (AWS_REGION, profile)");
        if (o.EndpointUrl is not null)
        {
            if (!Uri.TryCreate(o.EndpointUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                throw new S3FlowLogException(S3FlowLogErrorIds.InvalidEndpointUrl, $"-EndpointUrl '{o.EndpointUrl}' is not an http(s) URL.");
            // As AWS.Tools' -EndpointUrl: the URL replaces the endpoint, the region still signs. Stand-ins (moto,
            // LocalStack) serve buckets by path, not by host name.
            config.ServiceURL = o.EndpointUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = regionName ?? "us-east-1";
        }
        else if (region is not null) config.RegionEndpoint = region;

        var credentials = ExplicitCredentials(o, debug);
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <summary>The credentials the parameters name, or null to let the SDK's default chain decide.</summary>
    private static AWSCredentials? ExplicitCredentials(S3ConnectionOptions o, Action<string> debug)
    {
        if (o.AccessKey is not null || o.SecretKey is not null)
        {
            if (string.IsNullOrEmpty(o.AccessKey) || string.IsNullOrEmpty(o.SecretKey))
                throw new S3FlowLogException(S3FlowLogErrorIds.IncompleteKeys, "-AccessKey and -SecretKey go together: give both.");
            debug("Credentials obtained from the -AccessKey/-SecretKey parameters");
            return o.SessionToken is null ? new BasicAWSCredentials(o.AccessKey, o.SecretKey) : new SessionAWSCredentials(o.AccessKey, o.SecretKey, o.SessionToken);
        }
        if (o.Credential is not null)
        {
            debug("Credentials obtained from the -Credential parameter");
            return o.Credential;
        }
        if (o.ProfileName is not null)
        {
            var chain = new CredentialProfileStoreChain(o.ProfileLocation);
            if (!chain.TryGetAWSCredentials(o.ProfileName, out var fromProfile))
                throw new S3FlowLogException(S3FlowLogErrorIds.ProfileNotFound,
                    $"The credential profile '{o.ProfileName}' was not found{(o.ProfileLocation is null ? "" : $" in {o.ProfileLocation}")}.");
            debug($"Credentials obtained from the -ProfileName parameter (profile '{o.ProfileName}')");
            return fromProfile;
        }
        debug("Credentials left to the SDK's default chain (environment, AWS_PROFILE, default profile, container, instance profile)");
        return null;
    }

    /// <summary>The log objects under the prefix, sorted by key; day folders wholly outside the window are skipped.</summary>
    public IReadOnlyList<string> ListLogKeys(string bucket, string? prefix, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancel)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = string.IsNullOrEmpty(prefix) ? null : prefix };
        do
        {
            var response = Call(() => _client.ListObjectsV2Async(request, cancel), bucket, prefix);
            foreach (var o in response.S3Objects ?? new List<S3Object>())
            {
                if (o.Key is null || o.Key.EndsWith('/') || !FlowLogReader.IsLogFileName(o.Key)) continue;
                if ((from is not null || to is not null) && FlowLogReader.DayOfS3Path(o.Key) is { } day)
                {
                    if (from is { } f && day.AddDays(2) < f.UtcDateTime) continue;
                    if (to is { } t && day.AddDays(-1) > t.UtcDateTime) continue;
                }
                keys.Add(o.Key);
            }
            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Opens one object for streaming; dispose the stream to release the connection.</summary>
    public Stream Open(string bucket, string key, CancellationToken cancel)
    {
        var response = Call(() => _client.GetObjectAsync(bucket, key, cancel), bucket, key);
        return new ResponseStream(response);
    }

    private static T Call<T>(Func<Task<T>> call, string bucket, string? key)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchBucket")
        {
            throw new S3FlowLogException(S3FlowLogErrorIds.BucketNotFound, $"The S3 bucket '{bucket}' does not exist.", ex);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken")
        {
            throw new S3FlowLogException(S3FlowLogErrorIds.AccessDenied, $"S3 denied reading s3://{bucket}/{key}: {ex.ErrorCode}: {ex.Message}", ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new S3FlowLogException(S3FlowLogErrorIds.ReadFailed, $"Reading s3://{bucket}/{key} failed: {ex.ErrorCode ?? ex.StatusCode.ToString()}: {ex.Message}", ex);
        }
        catch (AmazonClientException ex) when (ex.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            throw new S3FlowLogException(S3FlowLogErrorIds.NoCredentials, $"No AWS credentials for S3: {ex.Message}", ex);
        }
        catch (AmazonClientException ex)
        {
            throw new S3FlowLogException(S3FlowLogErrorIds.ReadFailed, $"Reading s3://{bucket}/{key} failed: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new S3FlowLogException(S3FlowLogErrorIds.ReadFailed, $"Reading s3://{bucket}/{key} failed: {ex.Message}", ex);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The body of a GetObject response; disposing it disposes the response.</summary>
    private sealed class ResponseStream : Stream
    {
        private readonly GetObjectResponse _response;
        public ResponseStream(GetObjectResponse response) => _response = response;
        public override int Read(byte[] buffer, int offset, int count) => _response.ResponseStream.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => _response.ResponseStream.Read(buffer);
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
            if (disposing) _response.Dispose();
            base.Dispose(disposing);
        }
    }
}
