using System.Text.Json;
using CsCheck;
using PacketWalk.Core.Walk;

namespace PacketWalk.Core.Tests.Trust;

/// <summary>
/// Properties of the walk over generated estates (see <see cref="EstateGen"/>). CsCheck picks a new seed each run and
/// prints it with a shrunk estate when a property fails; rerun with that seed to reproduce.
/// </summary>
public class WalkPropertyTests
{
    /// <summary>Per property; raise PACKETWALK_PROPERTY_ITERATIONS for a longer hunt.</summary>
    private static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("PACKETWALK_PROPERTY_ITERATIONS"), out var n) && n > 0 ? n : 400;

    private static readonly Gen<(EstateSpec Spec, int Seed)> EstateAndSeed = Gen.Select(EstateGen.Estate, Gen.Int[0, int.MaxValue]);

    private static PacketPathResult Walk(Estate estate) => new PacketWalker(estate.Read()).Walk(estate.Request);

    /// <summary>The walk's result, or null when the request itself is invalid for this estate (e.g. ambiguous endpoint).</summary>
    private static PacketPathResult? TryWalk(Estate estate)
    {
        try { return Walk(estate); }
        catch (WalkInputException) { return null; }
    }

    private static string Verdict(PacketPathResult r) => $"{r.Verdict} {r.BlockedDirection} {r.BlockedAt} {r.Reason} ports:{r.ReturnPortsAllowed}";

    private static string Print((EstateSpec Spec, int Seed) x) => $"seed {x.Seed}\n{new Estate(x.Spec)}";

    [Fact]
    public void Removing_allow_rules_never_turns_a_walk_that_is_not_Reachable_into_Reachable()
    {
        // Security groups only allow (R-SG-1); in a NACL a removed allow hands its ports to later rules, which can only
        // allow what it allowed (R-NACL-2). So no removal of allows can open a path.
        EstateAndSeed.Sample(x =>
        {
            var estate = new Estate(x.Spec);
            var before = TryWalk(estate);
            if (before is null || before.Verdict is PathVerdict.Reachable or PathVerdict.ReachableToEdge) return;
            var random = new Random(x.Seed);
            var removed = new List<string>();
            for (int n = random.Next(1, 4); n > 0; n--)
            {
                var allows = estate.AllowRules();
                if (allows.Count == 0) break;
                var (what, remove) = allows[random.Next(allows.Count)];
                remove();
                removed.Add(what);
            }
            var after = Walk(estate);
            Assert.True(after.Verdict is not (PathVerdict.Reachable or PathVerdict.ReachableToEdge),
                $"{Verdict(before)} became {after.Verdict} after removing {string.Join("; ", removed)}");
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Removing_a_route_that_nothing_covers_never_turns_Blocked_into_Reachable()
    {
        // A removed route's destinations then match no route in that table (only uncovered routes are removed: a less
        // specific route taking over is ordinary longest-prefix matching and may open a path).
        EstateAndSeed.Sample(x =>
        {
            var estate = new Estate(x.Spec);
            var before = TryWalk(estate);
            if (before is null || before.Verdict != PathVerdict.Blocked) return;
            var routes = estate.RemovableRoutes();
            if (routes.Count == 0) return;
            var (what, remove) = routes[new Random(x.Seed).Next(routes.Count)];
            remove();
            var after = Walk(estate);
            Assert.True(after.Verdict is not (PathVerdict.Reachable or PathVerdict.ReachableToEdge), $"{Verdict(before)} became {after.Verdict} after removing {what}");
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Verdict_does_not_depend_on_the_order_of_files_or_of_lists_in_the_json()
    {
        EstateAndSeed.Sample(x =>
        {
            var estate = new Estate(x.Spec);
            var before = TryWalk(estate);
            var random = new Random(x.Seed);
            var shuffled = estate.Clone();
            shuffled.ShuffleLists(random);
            PacketPathResult? after;
            try { after = new PacketWalker(Estate.Read(shuffled.FilesInRandomLayout(random))).Walk(shuffled.Request); }
            catch (WalkInputException) { after = null; }
            Assert.Equal(before is null, after is null);
            if (before is null) return;
            Assert.Equal(Verdict(before), Verdict(after!));
            Assert.Equal(before.ForwardPath, after!.ForwardPath);
            Assert.Equal(before.ReturnPath, after.ReturnPath);
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Verdict_does_not_depend_on_the_ids()
    {
        EstateAndSeed.Sample(x =>
        {
            var estate = new Estate(x.Spec);
            var before = TryWalk(estate);
            var renamed = estate.Clone();
            var map = renamed.RenameIds(new Random(x.Seed));
            var after = TryWalk(renamed);
            Assert.Equal(before is null, after is null);
            if (before is null) return;
            string Mapped(string? id) => id is not null && map.TryGetValue(id, out var m) ? m : id ?? "";
            Assert.Equal(before.Verdict, after!.Verdict);
            Assert.Equal(before.Reason, after.Reason);
            Assert.Equal(before.BlockedDirection, after.BlockedDirection);
            Assert.Equal(Mapped(before.BlockedAt), after.BlockedAt ?? "");
            Assert.Equal(before.ReturnPortsAllowed, after.ReturnPortsAllowed);
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Reachable_means_every_hop_passed_and_anything_else_names_the_hop_that_did_not()
    {
        EstateAndSeed.Sample(x =>
        {
            var result = TryWalk(new Estate(x.Spec));
            if (result is null) return;
            if (result.Verdict == PathVerdict.Reachable)
            {
                Assert.All(result.Hops, h => Assert.True(h.Passed, $"Reachable, yet hop {h} did not pass"));
                Assert.Contains(result.Hops, h => h.Direction == WalkDirection.Forward && h.Decision == HopDecision.Deliver);
                Assert.Contains(result.Hops, h => h.Direction == WalkDirection.Return && h.Decision == HopDecision.Deliver);
                Assert.Null(result.BlockedAt);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(result.BlockedAt), result.ToString());
                Assert.False(string.IsNullOrEmpty(result.Reason), result.ToString());
                Assert.Contains(result.Hops, h => !h.Passed);
                // Hops before the first that did not pass all let the packet on.
                var firstStop = result.Hops.First(h => !h.Passed);
                Assert.All(result.Hops.TakeWhile(h => h != firstStop), h => Assert.True(h.Passed));
            }
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void The_return_of_a_Reachable_walk_rechecks_network_ACLs_but_not_security_groups()
    {
        EstateAndSeed.Sample(x =>
        {
            var estate = new Estate(x.Spec);
            var result = TryWalk(estate);
            if (result is null || result.Verdict != PathVerdict.Reachable) return;
            var client = estate.HostOf(estate.Request.Source)!;
            var server = estate.HostOf(estate.Request.Destination)!;
            var returnHops = result.Hops.Where(h => h.Direction == WalkDirection.Return).ToList();

            // R-SG-2: on the way back security groups are stateful notes, not rule checks.
            Assert.All(returnHops.Where(h => h.Step is HopStep.SecurityGroupEgress or HopStep.SecurityGroupIngress),
                h => Assert.Equal(HopDecision.Info, h.Decision));

            // So taking away every inbound rule of the client and every outbound rule of the server changes nothing
            // (when they share no group, whose rules the forward direction needs).
            if (!client.GroupIds.Intersect(server.GroupIds).Any())
            {
                var stripped = estate.Clone();
                stripped.ClearGroupRules(client.GroupIds, ingress: true);
                stripped.ClearGroupRules(server.GroupIds, ingress: false);
                Assert.Equal(PathVerdict.Reachable, Walk(stripped).Verdict);
            }

            // R-NACL-1: NACLs are stateless, so the reply is checked by the client subnet's inbound rules when it enters
            // that subnet; denying them all must stop the walk.
            if (returnHops.Any(h => h.Step == HopStep.NaclInbound && h.Component == client.NaclId))
            {
                Assert.Contains(result.Hops, h => h.Direction == WalkDirection.Return && h.Step is HopStep.NaclInbound or HopStep.NaclOutbound && h.Decision == HopDecision.Allow);
                var denied = estate.Clone();
                denied.DenyAllInbound(client.NaclId);
                var after = Walk(denied);
                Assert.Equal(PathVerdict.Blocked, after.Verdict);
                Assert.Equal("SUBNET_ACL_RESTRICTION", after.Reason);
            }
        }, iter: Iterations, print: Print);
    }

    [Fact]
    public void Walking_again_gives_the_same_result_the_walker_keeps_no_state()
    {
        EstateAndSeed.Sample(x =>
        {
            var estate = new Estate(x.Spec);
            var model = estate.Read();
            var walker = new PacketWalker(model);
            var random = new Random(x.Seed);
            var other = estate.Hosts[random.Next(estate.Hosts.Count)];
            var requests = new[] { estate.Request, estate.Request with { Destination = other.InstanceId }, estate.Request with { Source = other.InstanceId } };

            string Run(WalkRequest r)
            {
                try { return JsonSerializer.Serialize(walker.Walk(r)); }
                catch (WalkInputException e) { return "input error: " + e.Message; }
            }
            var first = requests.Select(Run).ToList();
            var again = requests.Reverse().Select(Run).Reverse().ToList();
            Assert.Equal(first, again);
            // The same walker from several threads at once (cmdlets share one walker per snapshot).
            var parallel = new string[requests.Length * 4];
            Parallel.For(0, parallel.Length, i => parallel[i] = Run(requests[i % requests.Length]));
            for (int i = 0; i < parallel.Length; i++) Assert.Equal(first[i % requests.Length], parallel[i]);
            // A model read afresh from the same documents walks the same.
            Assert.Equal(first[0], JsonSerializer.Serialize(TryWalk(estate)) is var s && first[0].StartsWith("input error") ? first[0] : s);
        }, iter: Iterations / 2, print: Print);
    }

    [Fact]
    public void Generated_estates_cover_every_verdict()
    {
        // Guards the generator: properties over estates that are all Unknown would prove little.
        var seen = new HashSet<PathVerdict>();
        var reasons = new HashSet<string>();
        EstateGen.Estate.Sample(spec =>
        {
            var r = TryWalk(new Estate(spec));
            if (r is null) return;
            lock (seen) { seen.Add(r.Verdict); if (r.Reason is not null) reasons.Add(r.Reason); }
        }, iter: 2000);
        Assert.Contains(PathVerdict.Reachable, seen);
        Assert.Contains(PathVerdict.Blocked, seen);
        Assert.Contains(PathVerdict.Unknown, seen);
        Assert.Contains("SUBNET_ACL_RESTRICTION", reasons);
        Assert.Contains("ENI_SG_RULES_MISMATCH", reasons);
        Assert.Contains("NO_ROUTE_TO_DESTINATION", reasons);
    }
}
