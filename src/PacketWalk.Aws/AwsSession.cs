using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace PacketWalk.Aws;

/// <summary>
/// One identity in one region, resolved the way AWS.Tools resolves it (see <see cref="AwsSessionFactory"/>).
/// Holds the SDK credentials object but never prints it: <see cref="ToString"/>, <see cref="CredentialSource"/> and
/// <see cref="Describe"/> name only where the credentials came from.
/// </summary>
public sealed class AwsSession
{
    internal AwsSession(AWSCredentials credentials, string credentialSource, RegionEndpoint region, string regionSource, string? endpointUrl,
        string? roleArn = null, string? accountId = null)
    {
        Credentials = credentials;
        CredentialSource = credentialSource;
        Region = region;
        RegionSource = regionSource;
        EndpointUrl = endpointUrl;
        RoleArn = roleArn;
        AccountId = accountId;
    }

    /// <summary>The SDK credentials. Never write these anywhere; pass them only to SDK clients.</summary>
    public AWSCredentials Credentials { get; }
    /// <summary>"the -ProfileName parameter (profile 'prod')", "environment variables", … — safe to print.</summary>
    public string CredentialSource { get; }
    public RegionEndpoint Region { get; }
    public string RegionSource { get; }
    /// <summary>-EndpointUrl: a stand-in endpoint (LocalStack, moto, a test's own). Null for AWS itself.</summary>
    public string? EndpointUrl { get; }
    /// <summary>The role this session assumed (-AssumeRoleArn), or null for the caller's own identity.</summary>
    public string? RoleArn { get; }
    /// <summary>The account, when known without a call (from the role ARN) or learned later.</summary>
    public string? AccountId { get; internal set; }

    /// <summary>A short, secret-free label for verbose lines: "role arn:aws:iam::111122223333:role/Reader" or "caller".</summary>
    public string Label => RoleArn is null ? "caller" : $"role {RoleArn}";

    public string Describe() => $"{Label} in {Region.SystemName}{(EndpointUrl is null ? "" : $" at {EndpointUrl}")}";

    public override string ToString() => Describe();

    /// <summary>The same identity in another region (export of several regions).</summary>
    public AwsSession InRegion(RegionEndpoint region, string regionSource) =>
        new(Credentials, CredentialSource, region, regionSource, EndpointUrl, RoleArn, AccountId);

    /// <summary>An EC2 client for this session whose every HTTP attempt is recorded in <paramref name="log"/>.</summary>
    public RecordingEc2Client CreateEc2Client(RequestLog log) => new(Credentials, Ec2Config(), log);

    public AmazonEC2Config Ec2Config()
    {
        var config = new AmazonEC2Config
        {
            // Throttling (RequestLimitExceeded) is retried by the SDK's standard retry mode with backoff.
            RetryMode = RequestRetryMode.Standard,
            ThrottleRetries = true,
        };
        Apply(config);
        return config;
    }

    public AmazonSecurityTokenServiceConfig StsConfig()
    {
        var config = new AmazonSecurityTokenServiceConfig { RetryMode = RequestRetryMode.Standard };
        Apply(config);
        return config;
    }

    public AmazonSecurityTokenServiceClient CreateStsClient() => new(Credentials, StsConfig());

    private void Apply(ClientConfig config)
    {
        if (EndpointUrl is null)
        {
            config.RegionEndpoint = Region;
            return;
        }
        // As AWS.Tools' -EndpointUrl: the URL replaces the endpoint; the region still signs the request.
        config.ServiceURL = EndpointUrl;
        config.AuthenticationRegion = Region.SystemName;
    }
}
