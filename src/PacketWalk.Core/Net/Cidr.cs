using System.Globalization;

namespace PacketWalk.Core.Net;

/// <summary>
/// An IPv4 or IPv6 prefix. Host bits are cleared on parse, as AWS canonicalises CIDRs (R-NACL-4:
/// 100.68.0.18/18 is stored as 100.68.0.0/18). A prefix length beyond the family's width is an error.
/// </summary>
public readonly record struct Cidr(UInt128 Network, byte PrefixLength, bool IsV6)
{
    public static readonly Cidr Rfc1918A = Parse("10.0.0.0/8");
    public static readonly Cidr Rfc1918B = Parse("172.16.0.0/12");
    public static readonly Cidr Rfc1918C = Parse("192.168.0.0/16");
    public static readonly Cidr Rfc6598 = Parse("100.64.0.0/10");
    public static readonly Cidr AnyV4 = Parse("0.0.0.0/0");
    public static readonly Cidr AnyV6 = Parse("::/0");

    public int Bits => IsV6 ? 128 : 32;

    public static Cidr Parse(string text)
    {
        if (!TryParse(text, out var cidr, out var error))
            throw new FormatException(error);
        return cidr;
    }

    public static bool TryParse(string? text, out Cidr cidr) => TryParse(text, out cidr, out _);

    public static bool TryParse(string? text, out Cidr cidr, out string error)
    {
        cidr = default;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) { error = "empty CIDR"; return false; }
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!IpAddress.TryParse(addressText, out var address)) { error = $"'{text}' is not a CIDR: bad address"; return false; }
        int bits = address.IsV6 ? 128 : 32;
        int length = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length < 0 || length > bits))
        {
            error = $"'{text}' is not a CIDR: prefix length must be 0-{bits}";
            return false;
        }
        cidr = new Cidr(address.Value & MaskFor(length, bits), (byte)length, address.IsV6);
        return true;
    }

    public static Cidr Host(IpAddress address) => new(address.Value, (byte)address.Bits, address.IsV6);

    private static UInt128 MaskFor(int length, int bits)
    {
        if (length == 0) return UInt128.Zero;
        UInt128 all = bits == 128 ? UInt128.MaxValue : uint.MaxValue;
        // A shift by 128 is a shift by 0 (the count is taken mod 128), so a full-length IPv6 mask is spelled out.
        if (length == bits) return all;
        return all ^ (all >> length);
    }

    public UInt128 Mask => MaskFor(PrefixLength, Bits);

    public bool Contains(IpAddress address) => address.IsV6 == IsV6 && (address.Value & Mask) == Network;

    /// <summary>True when every address of <paramref name="other"/> is inside this prefix.</summary>
    public bool Covers(Cidr other) => other.IsV6 == IsV6 && other.PrefixLength >= PrefixLength && (other.Network & Mask) == Network;

    public bool Overlaps(Cidr other) => other.IsV6 == IsV6 && (Covers(other) || other.Covers(this));

    public IpAddress NetworkAddress => new(Network, IsV6);

    public override string ToString() => $"{NetworkAddress}/{PrefixLength}";
}
