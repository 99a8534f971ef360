using System.Text.RegularExpressions;
using PacketWalk.Aws;
using static PacketWalk.Live.Tests.LiveTestSupport;

namespace PacketWalk.Live.Tests;

/// <summary>The least-privilege policy in the README names exactly the EC2 actions the reader sends.</summary>
public class IamPolicyTests
{
    private static (HashSet<string> Walk, HashSet<string> All) Policy()
    {
        // The policy is the README's "Least-privilege IAM policy" section (up to the next heading).
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var start = readme.IndexOf("### Least-privilege IAM policy", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no 'Least-privilege IAM policy' section");
        var end = readme.IndexOf("\n#", start + 10, StringComparison.Ordinal);
        var text = end < 0 ? readme[start..] : readme[start..end];
        static HashSet<string> Actions(string s) => Regex.Matches(s, "\"ec2:([A-Za-z]+)\"").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var all = Actions(text);
        return (all, all);
    }

    [Fact]
    public void Every_call_the_reader_makes_is_in_the_policy_and_every_policy_action_is_used()
    {
        var (walkPolicy, allPolicy) = Policy();
        var walkSent = new HashSet<string>(StringComparer.Ordinal);
        var allSent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, snapshot) in Scenarios())
        {
            using var stub = StartStub(snapshot);
            foreach (var request in Cases(name))
                ReadForWalk(Session(stub.Url), Endpoints(request));
            walkSent.UnionWith(stub.Requests.Where(r => r.Service == "ec2").Select(r => r.Action));
            new LiveEstateReader(new[] { Session(stub.Url) }).ReadScopeAsync(null).GetAwaiter().GetResult();
            allSent.UnionWith(stub.Requests.Where(r => r.Service == "ec2").Select(r => r.Action));
        }
        Assert.Subset(walkPolicy, walkSent);
        Assert.Subset(allPolicy, allSent);
        Assert.Equal(allPolicy.OrderBy(a => a), allSent.OrderBy(a => a));
        Assert.All(allSent, a => Assert.Matches(ReadOnlyAction(), a));
    }
}
