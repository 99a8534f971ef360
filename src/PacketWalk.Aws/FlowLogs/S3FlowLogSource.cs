using System.IO;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using PacketWalk.Core.FlowLogs;

namespace PacketWalk.Aws.FlowLogs;

/// <summary>Why S3 could not be read; <see cref="ErrorId"/> is stable.</summary>
public sealed class S3FlowLogException : Exception
{
    public S3FlowLogException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;
    public string ErrorId { get; }
}

public static class S3FlowLogErrorIds
{
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

    /// <param name="session">Credentials, region and endpoint, resolved in AWS.Tools' order by <see cref="AwsSessionFactory"/>.</param>
    public S3FlowLogSource(AwsSession session)
    {
        _client = CreateClient(session);
    }

    internal static AmazonS3Client CreateClient(AwsSession session)
    {
        var config = new AmazonS3Config { RetryMode = RequestRetryMode.Standard };
        if (session.EndpointUrl is not null)
        {
            // As AWS.Tools' -EndpointUrl: the URL replaces the endpoint, the region still signs. Stand-ins (moto,
            // LocalStack) serve buckets by path, not by host name.
            config.ServiceURL = session.EndpointUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = session.Region.SystemName;
        }
        else config.RegionEndpoint = session.Region;
        return new AmazonS3Client(session.Credentials, config);
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
