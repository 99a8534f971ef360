using Amazon.Runtime;
using PacketWalk.Aws;

namespace PacketWalk.Live.Tests;

[CollectionDefinition("Environment", DisableParallelization = true)]
public sealed class EnvironmentCollection { }

/// <summary>
/// AWS.Tools V5's credential and region order. Each test sets the AWS_* environment (and points the shared config and
/// credentials files at its own temp files), so nothing of the machine's own configuration takes part. Instance
/// metadata is disabled, so no step reaches beyond this machine.
/// </summary>
[Collection("Environment")]
public sealed class CredentialResolutionTests : IDisposable
{
    private static readonly string[] Variables =
    {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
    };

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly TempFolder _folder = new();
    private readonly string _credentials;

    public CredentialResolutionTests()
    {
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
        _credentials = Path.Combine(_folder.Path, "credentials");
        File.WriteAllText(_credentials, "");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", _credentials);
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(_folder.Path, "config"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    public void Dispose()
    {
        foreach (var (k, v) in _saved) Environment.SetEnvironmentVariable(k, v);
        _folder.Dispose();
    }

    private void Profiles(string text) => File.WriteAllText(_credentials, text);

    private const string ProfilesText = """
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = default-secret
        region = ap-southeast-2

        [prod]
        aws_access_key_id = AKIAPROD
        aws_secret_access_key = prod-secret
        region = eu-west-1

        [fromenv]
        aws_access_key_id = AKIAFROMENV
        aws_secret_access_key = fromenv-secret
        """;

    private sealed class Shell : IShellAwsDefaults
    {
        public AWSCredentials? Credentials { get; init; }
        public string? StoredRegion { get; init; }
        public AWSCredentials? StoredCredentials(out string? note) { note = null; return Credentials; }
    }

    private static string KeyOf(AwsSession s) => s.Credentials.GetCredentials().AccessKey;

    private static (AwsSession Session, List<string> Debug) Resolve(AwsCredentialOptions o, IShellAwsDefaults? shell = null)
    {
        var debug = new List<string>();
        return (AwsSessionFactory.Resolve(o, shell, debug.Add), debug);
    }

    [Fact]
    public void Explicit_keys_come_first()
    {
        Profiles(ProfilesText);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAENV");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
        var (s, debug) = Resolve(new AwsCredentialOptions { AccessKey = "AKIAEXPLICIT", SecretKey = "explicit-secret", ProfileName = "prod", Region = "us-west-2" },
            new Shell { Credentials = new BasicAWSCredentials("AKIASHELL", "shell-secret") });
        Assert.Equal("AKIAEXPLICIT", KeyOf(s));
        Assert.Contains("Credentials obtained from the -AccessKey and -SecretKey parameters", debug);
        Assert.Contains("Region obtained from the -Region parameter with value 'us-west-2'", debug);
        Assert.All(debug, d => Assert.DoesNotContain("secret", d));
    }

    [Fact]
    public void A_session_token_makes_session_credentials()
    {
        var (s, _) = Resolve(new AwsCredentialOptions { AccessKey = "ASIAX", SecretKey = "k", SessionToken = "token", Region = "us-east-1" });
        Assert.Equal("token", s.Credentials.GetCredentials().Token);
        Assert.DoesNotContain("token", s.ToString());
    }

    [Fact]
    public void Half_a_key_pair_is_an_error()
    {
        var ex = Assert.Throws<AwsSessionException>(() => Resolve(new AwsCredentialOptions { AccessKey = "AKIAONLY", Region = "us-east-1" }));
        Assert.Equal(AwsSessionErrorIds.IncompleteKeys, ex.ErrorId);
    }

    [Fact]
    public void A_credential_object_comes_before_profiles_and_the_shell()
    {
        Profiles(ProfilesText);
        var (s, debug) = Resolve(new AwsCredentialOptions { Credential = new BasicAWSCredentials("AKIAOBJECT", "o"), ProfileName = "prod", Region = "us-east-1" },
            new Shell { Credentials = new BasicAWSCredentials("AKIASHELL", "s") });
        Assert.Equal("AKIAOBJECT", KeyOf(s));
        Assert.Contains("Credentials obtained from the -Credential parameter", debug);
    }

    [Fact]
    public void A_named_profile_gives_keys_and_region()
    {
        Profiles(ProfilesText);
        var (s, debug) = Resolve(new AwsCredentialOptions { ProfileName = "prod", ProfileLocation = _credentials }, new Shell { Credentials = new BasicAWSCredentials("AKIASHELL", "s") });
        Assert.Equal("AKIAPROD", KeyOf(s));
        Assert.Equal("eu-west-1", s.Region.SystemName);
        Assert.Contains(debug, d => d.StartsWith("Credentials obtained from the -ProfileName parameter (profile 'prod' in ", StringComparison.Ordinal));
        Assert.Contains("Region obtained from the region of profile 'prod' with value 'eu-west-1'", debug);
    }

    [Fact]
    public void A_named_profile_in_a_given_file_is_read_from_that_file()
    {
        var other = Path.Combine(_folder.Path, "other-credentials");
        File.WriteAllText(other, "[elsewhere]\naws_access_key_id = AKIAELSEWHERE\naws_secret_access_key = e\n");
        var (s, _) = Resolve(new AwsCredentialOptions { ProfileName = "elsewhere", ProfileLocation = other, Region = "us-east-1" });
        Assert.Equal("AKIAELSEWHERE", KeyOf(s));
    }

    [Fact]
    public void A_named_profile_that_does_not_exist_is_an_error_with_no_fall_back()
    {
        Profiles(ProfilesText);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAENV");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
        var ex = Assert.Throws<AwsSessionException>(() => Resolve(new AwsCredentialOptions { ProfileName = "nosuch", Region = "us-east-1" }));
        Assert.Equal(AwsSessionErrorIds.ProfileNotFound, ex.ErrorId);
        Assert.Contains("'nosuch'", ex.Message);
    }

    [Fact]
    public void The_shells_stored_credentials_and_region_come_before_the_environment()
    {
        Profiles(ProfilesText);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAENV");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
        Environment.SetEnvironmentVariable("AWS_REGION", "ca-central-1");
        var (s, debug) = Resolve(new AwsCredentialOptions(), new Shell { Credentials = new BasicAWSCredentials("AKIASHELL", "s"), StoredRegion = "sa-east-1" });
        Assert.Equal("AKIASHELL", KeyOf(s));
        Assert.Equal("sa-east-1", s.Region.SystemName);
        Assert.Contains("Credentials obtained from the shell variable $StoredAWSCredentials (Set-AWSCredential)", debug);
        Assert.Contains("Region obtained from the shell variable $StoredAWSRegion (Set-DefaultAWSRegion) with value 'sa-east-1'", debug);
    }

    [Fact]
    public void Environment_keys_come_before_aws_profile_and_the_default_profile()
    {
        Profiles(ProfilesText);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAENV");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
        Environment.SetEnvironmentVariable("AWS_PROFILE", "fromenv");
        Environment.SetEnvironmentVariable("AWS_REGION", "ca-central-1");
        var (s, debug) = Resolve(new AwsCredentialOptions());
        Assert.Equal("AKIAENV", KeyOf(s));
        Assert.Contains("Credentials obtained from environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", debug);
    }

    [Fact]
    public void Aws_profile_comes_before_the_default_profile()
    {
        Profiles(ProfilesText);
        Environment.SetEnvironmentVariable("AWS_PROFILE", "fromenv");
        Environment.SetEnvironmentVariable("AWS_REGION", "ca-central-1");
        var (s, debug) = Resolve(new AwsCredentialOptions { ProfileLocation = _credentials });
        Assert.Equal("AKIAFROMENV", KeyOf(s));
        Assert.Contains(debug, d => d.StartsWith("Credentials obtained from the AWS_PROFILE environment variable (profile 'fromenv'", StringComparison.Ordinal));
        // AWS.Tools' documented region order puts the default profile's region before AWS_REGION ('fromenv' has none).
        Assert.Equal("ap-southeast-2", s.Region.SystemName);
        Assert.Contains("Region obtained from the region of the 'default' profile with value 'ap-southeast-2'", debug);
    }

    [Fact]
    public void An_aws_profile_that_does_not_exist_is_an_error()
    {
        Profiles(ProfilesText);
        Environment.SetEnvironmentVariable("AWS_PROFILE", "gone");
        var ex = Assert.Throws<AwsSessionException>(() => Resolve(new AwsCredentialOptions { Region = "us-east-1" }));
        Assert.Equal(AwsSessionErrorIds.ProfileNotFound, ex.ErrorId);
    }

    [Fact]
    public void The_default_profile_is_last_before_container_and_instance_credentials()
    {
        Profiles(ProfilesText);
        var (s, debug) = Resolve(new AwsCredentialOptions { ProfileLocation = _credentials });
        Assert.Equal("AKIADEFAULT", KeyOf(s));
        Assert.Equal("ap-southeast-2", s.Region.SystemName);
        Assert.Contains($"Credentials obtained from the 'default' profile in {_credentials}", debug);
        Assert.Contains("Region obtained from the region of profile 'default' with value 'ap-southeast-2'", debug);
    }

    [Fact]
    public void Nothing_anywhere_is_a_no_credentials_error()
    {
        var ex = Assert.Throws<AwsSessionException>(() => Resolve(new AwsCredentialOptions { Region = "us-east-1" }));
        Assert.Equal(AwsSessionErrorIds.NoCredentials, ex.ErrorId);
        Assert.Contains("No credentials specified or obtained from persisted/shell defaults", ex.Message);
    }

    [Fact]
    public void No_region_anywhere_is_a_no_region_error()
    {
        var ex = Assert.Throws<AwsSessionException>(() => Resolve(new AwsCredentialOptions { AccessKey = "AKIA", SecretKey = "s" }));
        Assert.Equal(AwsSessionErrorIds.NoRegion, ex.ErrorId);
    }

    [Fact]
    public void Aws_default_region_is_honoured_after_aws_region()
    {
        Environment.SetEnvironmentVariable("AWS_DEFAULT_REGION", "eu-north-1");
        var (s, debug) = Resolve(new AwsCredentialOptions { AccessKey = "AKIA", SecretKey = "s" });
        Assert.Equal("eu-north-1", s.Region.SystemName);
        Assert.Contains("Region obtained from the AWS_DEFAULT_REGION environment variable with value 'eu-north-1'", debug);
    }

    [Fact]
    public void An_endpoint_url_must_be_http()
    {
        var ex = Assert.Throws<AwsSessionException>(() => Resolve(new AwsCredentialOptions { AccessKey = "A", SecretKey = "s", Region = "us-east-1", EndpointUrl = "ftp://x" }));
        Assert.Equal(AwsSessionErrorIds.InvalidEndpointUrl, ex.ErrorId);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/Reader", "123456789012")]
    [InlineData("arn:aws-us-gov:iam::123456789012:role/path/Reader", "123456789012")]
    [InlineData("arn:aws:iam::123456789012:user/Bob", null)]
    [InlineData("arn:aws:iam::12345:role/Short", null)]
    [InlineData("not-an-arn", null)]
    public void The_account_of_a_role_comes_from_its_arn(string arn, string? account) =>
        Assert.Equal(account, AwsSessionFactory.AccountOfRoleArn(arn));
}
