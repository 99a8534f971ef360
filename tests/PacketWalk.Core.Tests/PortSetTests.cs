using PacketWalk.Core.Net;

namespace PacketWalk.Core.Tests;

/// <summary>PortSet operations against a 65,536-entry bit map, on seeded random sets (the fast paths must not change answers).</summary>
public class PortSetTests
{
    private static PortSet RandomSet(Random rng)
    {
        int n = rng.Next(0, 5);
        var ranges = new List<PortRange>();
        for (int i = 0; i < n; i++)
        {
            int from = rng.Next(4) == 0 ? 0 : rng.Next(0, 65536);
            int to = rng.Next(4) == 0 ? 65535 : Math.Min(65535, from + rng.Next(0, 3000));
            ranges.Add(new PortRange(from, to));
        }
        return rng.Next(8) == 0 ? PortSet.All : rng.Next(8) == 0 ? PortSet.Empty : PortSet.Of(ranges);
    }

    private static bool[] Bits(PortSet set)
    {
        var bits = new bool[65536];
        foreach (var r in set.Ranges)
            for (int p = r.From; p <= r.To; p++) bits[p] = true;
        return bits;
    }

    private static void AssertNormalised(PortSet set)
    {
        for (int i = 0; i < set.Ranges.Count; i++)
        {
            Assert.True(set.Ranges[i].From <= set.Ranges[i].To);
            if (i > 0) Assert.True(set.Ranges[i].From > set.Ranges[i - 1].To + 1, $"ranges touch or overlap in {set}");
        }
    }

    private static void AssertSame(bool[] expected, PortSet actual, string what)
    {
        AssertNormalised(actual);
        var bits = Bits(actual);
        for (int p = 0; p < 65536; p++)
            if (bits[p] != expected[p]) Assert.Fail($"{what}: port {p} expected {(expected[p] ? "in" : "out")}, got {actual}");
    }

    [Fact]
    public void Set_operations_agree_with_a_bit_map()
    {
        var rng = new Random(20240301);
        for (int i = 0; i < 300; i++)
        {
            var a = RandomSet(rng);
            var b = RandomSet(rng);
            var range = new PortRange(rng.Next(0, 40000), rng.Next(40000, 65536));
            var ba = Bits(a);
            var bb = Bits(b);
            AssertNormalised(a);
            AssertSame(ba.Select((x, p) => x && bb[p]).ToArray(), a.Intersect(b), $"{a} ∩ {b}");
            AssertSame(ba.Select((x, p) => x || bb[p]).ToArray(), a.Union(b), $"{a} ∪ {b}");
            AssertSame(ba.Select((x, p) => x && !bb[p]).ToArray(), a.Subtract(b), $"{a} - {b}");
            AssertSame(ba.Select((x, p) => x && range.Contains(p)).ToArray(), a.Intersect(range), $"{a} ∩ {range}");
            AssertSame(ba.Select((x, p) => x && !range.Contains(p)).ToArray(), a.Subtract(range), $"{a} - {range}");
            Assert.Equal(ba.Count(x => x), a.Count);
            Assert.Equal(a, PortSet.Of(a.Ranges));
            Assert.Equal(a.ToString(), PortSet.Of(a.Ranges).ToString());
        }
    }
}
