using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PacketWalk.Core.Net;

/// <summary>An IPv4 or IPv6 address as a 128-bit number, cheap to compare and mask.</summary>
public readonly record struct IpAddress(UInt128 Value, bool IsV6) : IComparable<IpAddress>
{
    public int Bits => IsV6 ? 128 : 32;

    public static IpAddress Parse(string text)
    {
        if (!TryParse(text, out var address))
            throw new FormatException($"'{text}' is not an IPv4 or IPv6 address.");
        return address;
    }

    public static bool TryParse(string? text, out IpAddress address)
    {
        address = default;
        if (text is null) return false;
        return TryParse(text.AsSpan(), out address);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out IpAddress address)
    {
        // Snapshots hold hundreds of thousands of canonical dotted quads: read those without allocating.
        if (TryParseCanonicalV4(text, out address)) return true;
        address = default;
        if (text.IsWhiteSpace()) return false;
        text = text.Trim();
        // IPAddress.TryParse accepts "1" or "10.1" as shorthand; AWS never writes those, so insist on dotted quads.
        if (!text.Contains(':') && text.Count('.') != 3) return false;
        if (!IPAddress.TryParse(text, out var ip)) return false;
        address = FromIPAddress(ip);
        return true;
    }

    /// <summary>"a.b.c.d" with decimal octets 0-255 and no leading zeros; anything else goes to the full parser.</summary>
    private static bool TryParseCanonicalV4(ReadOnlySpan<char> text, out IpAddress address)
    {
        address = default;
        uint value = 0;
        int octets = 0, i = 0;
        while (octets < 4)
        {
            int start = i, octet = 0;
            while (i < text.Length && text[i] >= '0' && text[i] <= '9' && i - start < 3) octet = octet * 10 + (text[i++] - '0');
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text[start] == '0')) return false;
            value = value << 8 | (uint)octet;
            octets++;
            if (octets < 4)
            {
                if (i >= text.Length || text[i] != '.') return false;
                i++;
            }
        }
        if (i != text.Length) return false;
        address = new IpAddress(value, false);
        return true;
    }

    public static IpAddress FromIPAddress(IPAddress ip)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            ip.TryWriteBytes(bytes, out _);
            uint v = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
            return new IpAddress(v, false);
        }
        ip.TryWriteBytes(bytes, out _);
        UInt128 value = 0;
        for (int i = 0; i < 16; i++) value = value << 8 | bytes[i];
        return new IpAddress(value, true);
    }

    public IPAddress ToIPAddress()
    {
        if (!IsV6)
        {
            uint v = (uint)Value;
            return new IPAddress(new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v });
        }
        var bytes = new byte[16];
        var value = Value;
        for (int i = 15; i >= 0; i--) { bytes[i] = (byte)value; value >>= 8; }
        return new IPAddress(bytes);
    }

    // A walk prints the same two addresses on every hop row: each thread keeps its last few texts (strings are immutable,
    // so handing out the same instance again is safe).
    [ThreadStatic] private static (IpAddress Address, string Text)[]? t_recentTexts;
    [ThreadStatic] private static int t_nextText;

    public override string ToString()
    {
        var recent = t_recentTexts ??= new (IpAddress, string)[4];
        foreach (var (address, text) in recent)
            if (text is not null && address == this) return text;
        var formatted = Format();
        recent[t_nextText++ & 3] = (this, formatted);
        return formatted;
    }

    private string Format() => IsV6 ? ToIPAddress().ToString() : string.Create(CultureInfo.InvariantCulture,
        $"{(uint)(Value >> 24) & 0xff}.{(uint)(Value >> 16) & 0xff}.{(uint)(Value >> 8) & 0xff}.{(uint)Value & 0xff}");

    public int CompareTo(IpAddress other) => IsV6 != other.IsV6 ? IsV6.CompareTo(other.IsV6) : Value.CompareTo(other.Value);

    /// <summary>RFC 1918 private IPv4 space (R-IGW-3 uses it).</summary>
    public bool IsRfc1918 => !IsV6 && (Cidr.Rfc1918A.Contains(this) || Cidr.Rfc1918B.Contains(this) || Cidr.Rfc1918C.Contains(this));
}
