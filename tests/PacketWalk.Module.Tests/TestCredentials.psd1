# Keys made to be found. Tests hand them to every AWS-reaching cmdlet (against local stand-ins only); build.ps1 Test
# then searches the test results for the secret and the token, and any test searches what it captured. They are not
# AWS credentials and work nowhere.
@{
    AccessKey    = 'AKIAPWTRUSTTEST00001'
    SecretKey    = 'pwTrustSecret/K7MDENG+bPxRfiCYzzzzTESTKEY'
    SessionToken = 'pwTrustSessionToken+FwoGZXIvYXdzEXAMPLEONLY=='
    # Secrets other tests use (TestHelpers.ps1 $LiveKeys): build.ps1 searches the test results for these too.
    OtherSecrets = @('PacketWalkTestSecret-9f3c')
}
