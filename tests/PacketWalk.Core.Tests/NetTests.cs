using PacketWalk.Core.Net;

namespace PacketWalk.Core.Tests;

public class NetTests
{
    [Theory]
    [InlineData("10.0.9.132/22", "10.0.8.0/22")]
    [InlineData("100.68.0.18/18", "100.68.0.0/18")]   // R-NACL-4: host bits cleared
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("2600:1f18::1/56", "2600:1f18::/56")]
    [InlineData("10.1.8.131", "10.1.8.131/32")]
    public void Cidr_parses_and_canonicalises(string text, string expected) => Assert.Equal(expected, Cidr.Parse(text).ToString());

    [Fact]
    public void Fast_dotted_quad_parse_agrees_with_the_framework_parser()
    {
        var rng = new Random(11);
        var texts = Enumerable.Range(0, 2000).Select(_ => string.Join(".", Enumerable.Range(0, 4).Select(_ => rng.Next(4) == 0 ? rng.Next(0, 10) : rng.Next(0, 256))))
            .Concat(new[] { "0.0.0.0", "255.255.255.255", "256.1.1.1", "010.0.0.1", "1.2.3", "1.2.3.4.5", " 10.0.0.1", "10.0.0.1 ", "1234.0.0.1", "10..0.1", "10.0.0.", "+1.2.3.4" });
        foreach (var text in texts)
        {
            bool framework = text.Trim().Count(c => c == '.') == 3 && System.Net.IPAddress.TryParse(text.Trim(), out var ip)
                             && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
            Assert.True(framework == IpAddress.TryParse(text, out var parsed), text);
            if (framework) Assert.Equal(IpAddress.FromIPAddress(System.Net.IPAddress.Parse(text.Trim())), parsed);
        }
    }

    [Fact]
    public void Ipv6_host_prefix_keeps_its_address_and_contains_only_it()
    {
        // Bug: MaskFor(128) shifted by 128 (= 0), so every /128 became ::/128 and matched every IPv6 address.
        var host = Cidr.Parse("2600:1f18::5/128");
        Assert.Equal("2600:1f18::5/128", host.ToString());
        Assert.True(host.Contains(IpAddress.Parse("2600:1f18::5")));
        Assert.False(host.Contains(IpAddress.Parse("2600:1f18::6")));
        Assert.Equal(host, Cidr.Host(IpAddress.Parse("2600:1f18::5")));
        Assert.True(Cidr.Parse("10.0.0.1/32").Contains(IpAddress.Parse("10.0.0.1")));
        Assert.False(Cidr.Parse("10.0.0.1/32").Contains(IpAddress.Parse("10.0.0.2")));
    }

    [Theory]
    [InlineData("10.0.0.1/33")]
    [InlineData("::/129")]
    [InlineData("10.0.0/8")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("banana")]
    [InlineData("")]
    public void Cidr_rejects_bad_text(string text) => Assert.False(Cidr.TryParse(text, out _));

    [Fact]
    public void Cidr_contains_respects_family()
    {
        var any4 = Cidr.Parse("0.0.0.0/0");
        Assert.True(any4.Contains(IpAddress.Parse("10.1.8.131")));
        Assert.False(any4.Contains(IpAddress.Parse("::1")));                 // R-SG-7, R-NACL-4: families apart
        Assert.True(Cidr.Parse("10.1.0.0/20").Contains(IpAddress.Parse("10.1.8.131")));
        Assert.False(Cidr.Parse("10.1.0.0/21").Contains(IpAddress.Parse("10.1.8.131")));
        Assert.True(Cidr.Parse("2600:1f18::/32").Contains(IpAddress.Parse("2600:1f18:aaaa::5")));
    }

    [Fact]
    public void An_IPv6_host_prefix_keeps_its_address_and_contains_only_it()
    {
        // Regression: a /128 mask was computed with a 128-bit shift, which C# masks to 0, giving an empty mask.
        var host = Cidr.Parse("2600:1f18::10/128");
        Assert.Equal("2600:1f18::10/128", host.ToString());
        Assert.True(host.Contains(IpAddress.Parse("2600:1f18::10")));
        Assert.False(host.Contains(IpAddress.Parse("2600:1f18::11")));
        Assert.True(Cidr.Host(IpAddress.Parse("2600:1f18::10")).Contains(IpAddress.Parse("2600:1f18::10")));
        Assert.True(Cidr.Host(IpAddress.Parse("10.0.9.132")).Contains(IpAddress.Parse("10.0.9.132")));
        Assert.False(Cidr.Parse("2600:1f18::/127").Contains(IpAddress.Parse("2600:1f18::2")));
    }

    [Fact]
    public void Ip_round_trips()
    {
        Assert.Equal("10.0.9.132", IpAddress.Parse("10.0.9.132").ToString());
        Assert.Equal("2600:1f18::5", IpAddress.Parse("2600:1f18:0::5").ToString());
        Assert.False(IpAddress.TryParse("10.1", out _));
        Assert.True(IpAddress.Parse("192.168.1.1").IsRfc1918);
        Assert.False(IpAddress.Parse("8.8.8.8").IsRfc1918);
    }

    [Fact]
    public void PortSet_operations()
    {
        var eph = PortSet.Of(32768, 60999);
        Assert.Equal("32768-40000", eph.Intersect(new PortRange(0, 40000)).ToString());
        Assert.Equal("40001-60999", eph.Subtract(new PortRange(0, 40000)).ToString());
        Assert.Equal("32768-39999,40001-60999", eph.Subtract(new PortRange(40000, 40000)).ToString());
        Assert.True(eph.Intersect(new PortRange(0, 1023)).IsEmpty);
        Assert.Equal("0-1023,32768-60999", eph.Union(PortSet.Of(0, 1023)).ToString());
        Assert.Equal("0-65535", PortSet.Of(0, 100).Union(PortSet.Of(101, 65535)).ToString());
        Assert.Equal(28232, eph.Count);
    }

    [Theory]
    [InlineData("tcp", 6)]
    [InlineData("UDP", 17)]
    [InlineData("icmp", 1)]
    [InlineData("icmpv6", 58)]
    [InlineData("-1", -1)]
    [InlineData("47", 47)]
    public void Protocol_names(string text, int number) => Assert.Equal(number, IpProtocol.Parse(text));

    [Fact]
    public void Protocol_rejects_out_of_range() => Assert.False(IpProtocol.TryParse("256", out _));
}
