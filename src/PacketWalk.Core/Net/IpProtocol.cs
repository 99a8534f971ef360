using System.Globalization;

namespace PacketWalk.Core.Net;

/// <summary>IP protocol numbers and the names AWS uses for them (R-SG-5, R-NACL-6).</summary>
public static class IpProtocol
{
    public const int All = -1;
    public const int Icmp = 1;
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int IcmpV6 = 58;

    /// <summary>Parses "tcp", "udp", "icmp", "icmpv6", "all", "-1" or a number 0-255.</summary>
    public static bool TryParse(string? text, out int protocol)
    {
        protocol = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        switch (text)
        {
            // The spellings describe-* prints, without the allocation of the general path below.
            case "-1": protocol = All; return true;
            case "6": case "tcp": protocol = Tcp; return true;
            case "17": case "udp": protocol = Udp; return true;
            case "1": case "icmp": protocol = Icmp; return true;
        }
        switch (text.Trim().ToLowerInvariant())
        {
            case "tcp": protocol = Tcp; return true;
            case "udp": protocol = Udp; return true;
            case "icmp": protocol = Icmp; return true;
            case "icmpv6": protocol = IcmpV6; return true;
            case "all": case "-1": protocol = All; return true;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out protocol) && protocol >= 0 && protocol <= 255;
    }

    public static int Parse(string text) => TryParse(text, out var p) ? p : throw new FormatException($"'{text}' is not an IP protocol (tcp, udp, icmp, icmpv6, -1 or 0-255).");

    public static string Name(int protocol) => protocol switch
    {
        All => "all",
        Tcp => "tcp",
        Udp => "udp",
        Icmp => "icmp",
        IcmpV6 => "icmpv6",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Protocols whose rules carry port ranges; every other number matches all ports (R-SG-5, R-NACL-6).</summary>
    public static bool HasPorts(int protocol) => protocol is Tcp or Udp;
    public static bool IsIcmpFamily(int protocol) => protocol is Icmp or IcmpV6;
}
