using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken.Model;

namespace PacketWalk.Aws;

/// <summary>The common credential, region and endpoint parameters, as bound by a cmdlet (AWS.Tools' names).</summary>
public sealed class AwsCredentialOptions
{
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public string? SessionToken { get; init; }
    /// <summary>-Credential: an SDK credentials object (AWS.Tools' type, not a PSCredential).</summary>
    public AWSCredentials? Credential { get; init; }
    public string? ProfileName { get; init; }
    public string? ProfileLocation { get; init; }
    public string? Region { get; init; }
    public string? EndpointUrl { get; init; }
    public IReadOnlyList<string> AssumeRoleArns { get; init; } = Array.Empty<string>();
}

/// <summary>
/// What the shell has set with AWS.Tools (<c>Set-AWSCredential</c>, <c>Set-DefaultAWSRegion</c>). The cmdlet layer
/// supplies it; other hosts pass null.
/// </summary>
public interface IShellAwsDefaults
{
    /// <summary>The credentials in <c>$StoredAWSCredentials</c>, or null. <paramref name="note"/> says why when it is set but unusable.</summary>
    AWSCredentials? StoredCredentials(out string? note);
    /// <summary><c>$StoredAWSRegion</c>, or null.</summary>
    string? StoredRegion { get; }
}

/// <summary>Why credentials, region or an assumed role could not be had. <see cref="ErrorId"/> is stable.</summary>
public sealed class AwsSessionException : Exception
{
    public AwsSessionException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;
    public string ErrorId { get; }
}

public static class AwsSessionErrorIds
{
    public const string NoCredentials = "AwsNoCredentials";
    public const string ProfileNotFound = "AwsProfileNotFound";
    public const string IncompleteKeys = "AwsIncompleteKeys";
    public const string NoRegion = "AwsNoRegion";
    public const string InvalidEndpointUrl = "AwsInvalidEndpointUrl";
    public const string AssumeRoleFailed = "AwsAssumeRoleFailed";
    public const string InvalidCredential = "AwsInvalidCredential";
}

/// <summary>
/// Credential and region resolution in AWS Tools for PowerShell V5's documented order, in one place so every cmdlet that
/// reads AWS (walks, export, and later flow logs) behaves the same:
/// <list type="number">
/// <item>-AccessKey/-SecretKey/-SessionToken</item>
/// <item>-Credential</item>
/// <item>-ProfileName (with -ProfileLocation); a profile that is not found is an error, never a fall-through</item>
/// <item>the shell's $StoredAWSCredentials (AWS.Tools' Set-AWSCredential)</item>
/// <item>AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN</item>
/// <item>the profile named by AWS_PROFILE</item>
/// <item>the "default" profile, then the legacy "AWS PS Default" profile</item>
/// <item>container credentials, then the EC2 instance profile (the SDK's DefaultAWSCredentialsIdentityResolver)</item>
/// </list>
/// Region: -Region, $StoredAWSRegion, the region of the profile in use, the default profile's region, AWS_REGION /
/// AWS_DEFAULT_REGION, then instance metadata. Every step is reported to <c>debug</c>, never a secret.
/// </summary>
public static class AwsSessionFactory
{
    public const string DefaultProfile = "default";
    public const string LegacyPowerShellProfile = "AWS PS Default";

    public static AwsSession Resolve(AwsCredentialOptions options, IShellAwsDefaults? shell = null, Action<string>? debug = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        debug ??= _ => { };
        var chain = new CredentialProfileStoreChain(string.IsNullOrWhiteSpace(options.ProfileLocation) ? null : options.ProfileLocation);
        var (credentials, source, profileUsed) = ResolveCredentials(options, shell, chain, debug);
        debug($"Credentials obtained from {source}");
        var (region, regionSource) = ResolveRegion(options, shell, chain, profileUsed);
        debug($"Region obtained from {regionSource} with value '{region.SystemName}'");
        string? endpoint = null;
        if (!string.IsNullOrWhiteSpace(options.EndpointUrl))
        {
            if (!Uri.TryCreate(options.EndpointUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new AwsSessionException(AwsSessionErrorIds.InvalidEndpointUrl, $"-EndpointUrl '{options.EndpointUrl}' is not an http or https URL.");
            endpoint = options.EndpointUrl;
            debug($"Endpoint: {endpoint} (from the -EndpointUrl parameter)");
        }
        return new AwsSession(credentials, source, region, regionSource, endpoint);
    }

    private static (AWSCredentials, string Source, CredentialProfile? Profile) ResolveCredentials(AwsCredentialOptions o, IShellAwsDefaults? shell,
        CredentialProfileStoreChain chain, Action<string> debug)
    {
        // 1. Literal keys.
        bool hasAccess = !string.IsNullOrEmpty(o.AccessKey), hasSecret = !string.IsNullOrEmpty(o.SecretKey);
        if (hasAccess || hasSecret)
        {
            if (!hasAccess || !hasSecret)
                throw new AwsSessionException(AwsSessionErrorIds.IncompleteKeys, "-AccessKey and -SecretKey must be given together.");
            AWSCredentials keys = string.IsNullOrEmpty(o.SessionToken)
                ? new BasicAWSCredentials(o.AccessKey, o.SecretKey)
                : new SessionAWSCredentials(o.AccessKey, o.SecretKey, o.SessionToken);
            return (keys, string.IsNullOrEmpty(o.SessionToken) ? "the -AccessKey and -SecretKey parameters" : "the -AccessKey, -SecretKey and -SessionToken parameters", null);
        }

        // 2. An SDK credentials object.
        if (o.Credential is not null) return (o.Credential, "the -Credential parameter", null);

        // 3. A named profile: not found is an error (AWS.Tools refuses to fall back to another account silently).
        if (!string.IsNullOrWhiteSpace(o.ProfileName))
            return FromProfile(chain, o.ProfileName!, o.ProfileLocation, "the -ProfileName parameter");

        // 4. The shell's stored credentials (Set-AWSCredential).
        if (shell is not null)
        {
            var stored = shell.StoredCredentials(out var note);
            if (note is not null) debug(note);
            if (stored is not null) return (stored, "the shell variable $StoredAWSCredentials (Set-AWSCredential)", null);
        }

        // 5. Environment variables.
        var envAccess = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var envSecret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(envAccess) && !string.IsNullOrEmpty(envSecret))
        {
            var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
            AWSCredentials env = string.IsNullOrEmpty(token) ? new BasicAWSCredentials(envAccess, envSecret) : new SessionAWSCredentials(envAccess, envSecret, token);
            return (env, "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", null);
        }

        // 6. AWS_PROFILE (new in AWS.Tools V5).
        var envProfile = Environment.GetEnvironmentVariable("AWS_PROFILE");
        if (!string.IsNullOrWhiteSpace(envProfile))
            return FromProfile(chain, envProfile, o.ProfileLocation, "the AWS_PROFILE environment variable");

        // 7. The default profile, then AWS.Tools' legacy default.
        foreach (var name in new[] { DefaultProfile, LegacyPowerShellProfile })
            if (chain.TryGetProfile(name, out var profile) && chain.TryGetAWSCredentials(name, out var creds))
                return (creds, $"the '{name}' profile{Where(chain, o.ProfileLocation)}", profile);

        // 8. Container credentials, then the instance profile: the rest of the SDK's default chain.
        try
        {
            var resolved = new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null);
            if (resolved is not null) return (resolved, DescribeChainCredentials(resolved), null);
        }
        catch (AmazonClientException ex)
        {
            throw new AwsSessionException(AwsSessionErrorIds.NoCredentials,
                "No credentials specified or obtained from persisted/shell defaults. Give -ProfileName, -AccessKey/-SecretKey or -Credential, "
                + "run Set-AWSCredential, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.", ex);
        }
        throw new AwsSessionException(AwsSessionErrorIds.NoCredentials, "No credentials specified or obtained from persisted/shell defaults.");
    }

    private static (AWSCredentials, string, CredentialProfile?) FromProfile(CredentialProfileStoreChain chain, string name, string? location, string via)
    {
        if (!chain.TryGetProfile(name, out var profile) || !chain.TryGetAWSCredentials(name, out var creds))
            throw new AwsSessionException(AwsSessionErrorIds.ProfileNotFound,
                $"The credential profile '{name}' (from {via}) was not found{Where(chain, location)}. No other credentials are tried, so a different account is never used by mistake.");
        return (creds, $"{via} (profile '{name}'{Where(chain, location)})", profile);
    }

    private static string Where(CredentialProfileStoreChain chain, string? location) =>
        string.IsNullOrWhiteSpace(location) ? "" : $" in {location}";

    private static string DescribeChainCredentials(AWSCredentials c) => c switch
    {
        GenericContainerCredentials => "container credentials (AWS_CONTAINER_CREDENTIALS_*_URI)",
        InstanceProfileAWSCredentials => "the EC2 instance profile",
        EnvironmentVariablesAWSCredentials => "environment variables",
        _ => $"the SDK's default credential chain ({c.GetType().Name})",
    };

    private static (RegionEndpoint, string) ResolveRegion(AwsCredentialOptions o, IShellAwsDefaults? shell, CredentialProfileStoreChain chain, CredentialProfile? profileInUse)
    {
        if (!string.IsNullOrWhiteSpace(o.Region)) return (RegionEndpoint.GetBySystemName(o.Region.Trim()), "the -Region parameter");
        if (shell?.StoredRegion is { Length: > 0 } stored) return (RegionEndpoint.GetBySystemName(stored), "the shell variable $StoredAWSRegion (Set-DefaultAWSRegion)");

        var named = !string.IsNullOrWhiteSpace(o.ProfileName) ? o.ProfileName : Environment.GetEnvironmentVariable("AWS_PROFILE");
        if (!string.IsNullOrWhiteSpace(named) && chain.TryGetProfile(named, out var p) && p.Region is { } pr)
            return (pr, $"the region of profile '{named}'");
        if (profileInUse?.Region is { } used) return (used, $"the region of profile '{profileInUse.Name}'");
        foreach (var name in new[] { DefaultProfile, LegacyPowerShellProfile })
            if (chain.TryGetProfile(name, out var d) && d.Region is { } dr) return (dr, $"the region of the '{name}' profile");

        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } env)
                return (RegionEndpoint.GetBySystemName(env.Trim()), $"the {variable} environment variable");

        if (!string.Equals(Environment.GetEnvironmentVariable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var imds = new InstanceProfileAWSRegion().Region;
                if (imds is not null) return (imds, "EC2 instance metadata");
            }
            catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or InvalidOperationException) { }
        }
        throw new AwsSessionException(AwsSessionErrorIds.NoRegion,
            "No region specified or obtained from persisted/shell defaults. Give -Region, run Set-DefaultAWSRegion, or set AWS_REGION.");
    }

    /// <summary>
    /// One session per role in <paramref name="roleArns"/>, each assumed with <paramref name="source"/>'s credentials
    /// through STS (sts:AssumeRole). The role's account comes from its ARN.
    /// </summary>
    public static async Task<IReadOnlyList<AwsSession>> AssumeRolesAsync(AwsSession source, IReadOnlyList<string> roleArns, RequestLog log,
        Action<string>? verbose, CancellationToken cancellationToken)
    {
        var sessions = new List<AwsSession>();
        if (roleArns.Count == 0) return sessions;
        using var sts = new RecordingStsClient(source.Credentials, source.StsConfig(), log);
        foreach (var arn in roleArns.Distinct(StringComparer.Ordinal))
        {
            var account = AccountOfRoleArn(arn)
                ?? throw new AwsSessionException(AwsSessionErrorIds.AssumeRoleFailed, $"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).");
            verbose?.Invoke($"sts:AssumeRole {arn}");
            AssumeRoleResponse response;
            try
            {
                response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = arn, RoleSessionName = "PacketWalk", DurationSeconds = 3600 }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonServiceException ex)
            {
                throw new AwsSessionException(AwsSessionErrorIds.AssumeRoleFailed, $"Assuming {arn} failed: {ex.ErrorCode}: {ex.Message}", ex);
            }
            var c = response.Credentials;
            var creds = new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
            sessions.Add(new AwsSession(creds, $"sts:AssumeRole {arn} with {source.CredentialSource}", source.Region, source.RegionSource, source.EndpointUrl, arn, account));
        }
        return sessions;
    }

    /// <summary>The account of the caller's own identity (sts:GetCallerIdentity needs no IAM permission).</summary>
    public static async Task<string?> CallerAccountAsync(AwsSession session, RequestLog log, CancellationToken cancellationToken)
    {
        using var sts = new RecordingStsClient(session.Credentials, session.StsConfig(), log);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return identity.Account;
    }

    /// <summary>arn:aws:iam::111122223333:role/Name → 111122223333 (any partition).</summary>
    public static string? AccountOfRoleArn(string arn)
    {
        var parts = arn.Split(':');
        if (parts.Length < 6 || parts[0] != "arn" || parts[2] != "iam" || !parts[5].StartsWith("role/", StringComparison.Ordinal)) return null;
        return parts[4].Length == 12 && parts[4].All(char.IsAsciiDigit) ? parts[4] : null;
    }
}

/// <summary>The STS client, recording each attempt like <see cref="RecordingEc2Client"/>.</summary>
public sealed class RecordingStsClient : Amazon.SecurityToken.AmazonSecurityTokenServiceClient
{
    private RequestLog? _log;

    public RecordingStsClient(AWSCredentials credentials, Amazon.SecurityToken.AmazonSecurityTokenServiceConfig config, RequestLog log) : base(credentials, config) => _log = log;

    protected override void CustomizeRuntimePipeline(Amazon.Runtime.Internal.RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerAfter<Amazon.Runtime.Internal.RetryHandler>(new RecordingHandler(() => _log ?? new RequestLog(), "sts"));
    }
}
