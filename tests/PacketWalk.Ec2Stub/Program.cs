using PacketWalk.Ec2Stub;

// Out-of-process use (Pester): dotnet PacketWalk.Ec2Stub.dll --snapshot <folder> [--account <12 digits>]
//   [--role-account <12 digits>=<folder>]... [--page-size N] [--unauthorized <Action>]... [--throttle <Action>=<times>]...
//   [--delay <Action>=<milliseconds>]... [--fail <Action>]... (always 500 InternalError) [--drop <Action>]... (always cut off)
// Prints "LISTENING <url>" on one line, then serves until its standard input closes or it is stopped.
string? snapshot = null;
var account = "111111111111";
var roleAccounts = new List<(string Account, string Folder)>();
var unauthorized = new List<string>();
var throttled = new List<(string Action, int Times)>();
var delayed = new List<(string Action, int Milliseconds)>();
var failing = new List<string>();
var dropped = new List<string>();
int pageSize = 1000;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--snapshot": snapshot = Next(); break;
        case "--account": account = Next(); break;
        case "--role-account":
            var pair = Next().Split('=', 2);
            roleAccounts.Add((pair[0], pair[1]));
            break;
        case "--page-size": pageSize = int.Parse(Next()); break;
        case "--unauthorized": unauthorized.Add(Next()); break;
        case "--throttle":
            var t = Next().Split('=', 2);
            throttled.Add((t[0], int.Parse(t[1])));
            break;
        case "--delay":
            var d = Next().Split('=', 2);
            delayed.Add((d[0], int.Parse(d[1])));
            break;
        case "--fail": failing.Add(Next()); break;
        case "--drop": dropped.Add(Next()); break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}
if (snapshot is null) { Console.Error.WriteLine("--snapshot is required"); return 2; }

var estate = new StubEstate(account).AddSnapshot(account, snapshot);
foreach (var (a, folder) in roleAccounts) estate.AddSnapshot(a, folder);
using var server = new Ec2StubServer(estate) { PageSize = pageSize };
foreach (var action in unauthorized) server.Hooks.Add(StubFaults.Unauthorized(action));
foreach (var (action, times) in throttled) server.Hooks.Add(StubFaults.Throttle(action, times));
foreach (var (action, ms) in delayed) server.Hooks.Add(StubFaults.Delay(action, TimeSpan.FromMilliseconds(ms)));
foreach (var action in failing) server.Hooks.Add(r => r.Action == action ? StubResponse.Ec2Error(500, "InternalError", "We encountered an internal error.") : null);
foreach (var action in dropped) server.Hooks.Add(r => r.Action == action ? new StubResponse { Abort = true } : null);
server.Start();
Console.WriteLine($"LISTENING {server.Url}");
Console.Out.Flush();
// Serve until the parent closes our standard input (or kills us).
while (Console.In.ReadLine() is not null) { }
return 0;
