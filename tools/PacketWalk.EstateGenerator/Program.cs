using System.Globalization;
using PacketWalk.EstateGenerator;

// dotnet run --project tools/PacketWalk.EstateGenerator -- --size large --seed 42 --out out/estates/large
string size = "small", output = "";
int seed = 42;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size": size = args[++i]; break;
        case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": output = args[++i]; break;
        case "-h" or "--help":
            Console.WriteLine("usage: PacketWalk.EstateGenerator --size small|medium|large [--seed N] --out FOLDER");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}' (try --help)");
            return 2;
    }
}
if (string.IsNullOrEmpty(output)) { Console.Error.WriteLine("--out FOLDER is required"); return 2; }
var watch = System.Diagnostics.Stopwatch.StartNew();
var estate = EstateGenerator.Generate(EstateSpec.ByName(size), seed, Path.GetFullPath(output));
Console.WriteLine($"{EstateGenerator.Describe(estate)} in {watch.Elapsed.TotalSeconds:0.0} s -> {estate.Root}");
return 0;
