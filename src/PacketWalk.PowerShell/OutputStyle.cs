using System.Management.Automation;
using System.Management.Automation.Host;

namespace PacketWalk.PowerShell;

/// <summary>
/// Colour for the format views (PacketWalk.Format.ps1xml calls this from its column script blocks). Colour is added only
/// when NO_COLOR is unset and $PSStyle.OutputRendering allows it: 'Ansi' always, 'Host' only when the host says it
/// understands virtual-terminal sequences, 'PlainText' never. Objects never carry colour; only their display does.
/// </summary>
public static class OutputStyle
{
    private const string Esc = "\u001b[";
    private const string Reset = Esc + "0m";
    private const string Green = Esc + "32m", Red = Esc + "31m", Yellow = Esc + "33m", Cyan = Esc + "36m", Dim = Esc + "2m";

    /// <param name="psStyle">The session's $PSStyle (null where there is none).</param>
    /// <param name="host">The session's $Host.</param>
    public static bool Enabled(object? psStyle, PSHost? host)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))) return false;
        var rendering = psStyle is null ? null : PSObject.AsPSObject(psStyle).Properties["OutputRendering"]?.Value?.ToString();
        return rendering switch
        {
            "Ansi" => true,
            "Host" => SupportsVirtualTerminal(host),
            _ => false,
        };
    }

    private static bool SupportsVirtualTerminal(PSHost? host)
    {
        try { return host?.UI?.SupportsVirtualTerminal == true; }
        catch (NotImplementedException) { return false; }   // some hosts do not implement it
    }

    /// <summary>A hop decision: passed green, dropped red, undecided yellow, informational dim.</summary>
    public static string Decision(object? decision, bool enabled)
    {
        var text = decision?.ToString() ?? "";
        if (!enabled || text.Length == 0) return text;
        var color = text switch
        {
            "Allow" or "Forward" or "Deliver" => Green,
            "Deny" or "NoRoute" or "Blackhole" => Red,
            "Unknown" or "Ambiguous" or "Partial" => Yellow,
            "Info" => Dim,
            _ => null,
        };
        return color is null ? text : color + text + Reset;
    }

    /// <summary>A walk verdict: Reachable green, Blocked red, ReachableToEdge cyan (fine as far as AWS goes), Unknown and Ambiguous yellow.</summary>
    public static string Verdict(object? verdict, bool enabled)
    {
        var text = verdict?.ToString() ?? "";
        if (!enabled || text.Length == 0) return text;
        var color = text switch
        {
            "Reachable" => Green,
            "Blocked" => Red,
            "ReachableToEdge" => Cyan,
            _ => Yellow,
        };
        return color + text + Reset;
    }
}
