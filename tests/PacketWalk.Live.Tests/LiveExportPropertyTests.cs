using CsCheck;
using PacketWalk.Aws;
using PacketWalk.Core.Snapshot;
using PacketWalk.Core.Tests.Trust;
using PacketWalk.Core.Walk;
using PacketWalk.Ec2Stub;
using static PacketWalk.Live.Tests.LiveTestSupport;

namespace PacketWalk.Live.Tests;

/// <summary>
/// Over generated estates served by the EC2 stub: the live walk equals the offline walk of the same data, and a walk on
/// the snapshot exported from the live read equals the live walk.
/// </summary>
public class LiveExportPropertyTests
{
    private static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("PACKETWALK_LIVE_PROPERTY_ITERATIONS"), out var n) && n > 0 ? n : 40;

    [Fact]
    public void A_walk_on_the_export_equals_the_live_walk_which_equals_the_offline_walk()
    {
        int walked = 0;
        EstateGen.Estate.Sample(spec =>
        {
            var estate = new Estate(spec);
            var root = Path.Combine(Path.GetTempPath(), "pw-liveprop-" + Guid.NewGuid().ToString("N"));
            try
            {
                var folder = Path.Combine(root, "snapshot");
                Directory.CreateDirectory(folder);
                foreach (var (file, json) in estate.Files()) File.WriteAllText(Path.Combine(folder, file), json);
                var request = estate.Request;
                string offline;
                try { offline = Describe(Walk(SnapshotReader.Read(folder), request)); }
                catch (WalkInputException) { return; }   // not a walk this estate can answer (e.g. an address in two VPCs)

                using var stub = StartStub(folder);
                var live = ReadForWalk(Session(stub.Url), request.Source, request.Destination);
                var liveWalk = Describe(Walk(live.BuildModel("live"), request));
                Assert.Equal(offline, liveWalk);

                var export = Path.Combine(root, "export");
                SnapshotWriter.Write(export, live, redact: spec.Walk.Port % 2 == 0);
                Assert.Equal(liveWalk, Describe(Walk(SnapshotReader.Read(export), request)));
                walked++;
            }
            finally
            {
                try { Directory.Delete(root, recursive: true); } catch (IOException) { }
            }
        }, iter: Iterations, threads: 1, print: spec => new Estate(spec).ToString());
        Assert.True(walked >= Iterations / 2, $"only {walked} of {Iterations} generated estates were walked");
    }
}
