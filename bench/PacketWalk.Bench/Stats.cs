using System.Globalization;

namespace PacketWalk.Bench;

/// <summary>Median and spread of a set of samples.</summary>
public sealed record Stats(int Count, double Median, double P10, double P90, double P99, double Min, double Max)
{
    public static Stats Of(IEnumerable<double> samples)
    {
        var sorted = samples.OrderBy(x => x).ToArray();
        if (sorted.Length == 0) return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double At(double q) => sorted[Math.Clamp((int)Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
        return new Stats(sorted.Length, At(0.5), At(0.1), At(0.9), At(0.99), sorted[0], sorted[^1]);
    }

    /// <summary>"12.3 (p10 11.0, p90 14.2)" in the unit given.</summary>
    public string Text(string format = "0.0") => Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture,
        $"{Median.ToString(format, CultureInfo.InvariantCulture)} (p10 {P10.ToString(format, CultureInfo.InvariantCulture)}, p90 {P90.ToString(format, CultureInfo.InvariantCulture)})");

    public string RangeText(string format = "0.0") => Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture,
        $"{Median.ToString(format, CultureInfo.InvariantCulture)} (min {Min.ToString(format, CultureInfo.InvariantCulture)}, max {Max.ToString(format, CultureInfo.InvariantCulture)}, n={Count})");
}
