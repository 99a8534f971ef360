using System.Reflection;
using System.Runtime.Loader;
using PacketWalk.Core.Live;

namespace PacketWalk.PowerShell.Aws;

/// <summary>
/// Loads the live reader (PacketWalk.Aws.dll and the AWSSDK.*.dll shipped beside it) on first live use, so that
/// PacketWalk sits beside any other module that uses AWS SDK v4, in either import order:
/// <list type="bullet">
/// <item>When an AWS SDK is already loaded in the default load context (AWS.Tools, or any module that ships one), the
/// reader is loaded there and binds to that SDK — every v4 assembly is version 4.0.0.0 — so it accepts AWS.Tools'
/// credential objects and shares its types.</item>
/// <item>Otherwise the reader and PacketWalk's own SDK copy go into a load context of their own, so a module imported
/// later can still load its SDK into the default context (loading a second AWSSDK.Core there would fail with
/// "Assembly with same name is already loaded").</item>
/// </list>
/// The cmdlet assembly itself never references an AWS SDK type (a test checks its references), so importing PacketWalk
/// or completing its parameters loads no SDK at all.
/// </summary>
internal static class LiveAwsLoader
{
    private const string ReaderAssembly = "PacketWalk.Aws";
    private const string FacadeType = "PacketWalk.Aws.LiveAwsFacade";

    private static readonly object Gate = new();
    private static ILiveAws? _shared;
    private static ILiveAws? _isolated;
    private static IsolatedContext? _context;

    private static string ModuleFolder => Path.GetDirectoryName(typeof(LiveAwsLoader).Assembly.Location)!;

    /// <summary>True when some module has loaded AWSSDK.Core into the default load context.</summary>
    public static bool SdkInDefaultContext =>
        AssemblyLoadContext.Default.Assemblies.Any(a => a.GetName().Name == "AWSSDK.Core");

    public static ILiveAws Get()
    {
        lock (Gate)
        {
            if (SdkInDefaultContext)
                return _shared ??= Create(Assembly.LoadFrom(Path.Combine(ModuleFolder, ReaderAssembly + ".dll")));
            if (_isolated is null)
            {
                _context = new IsolatedContext(ModuleFolder);
                _isolated = Create(_context.LoadFromAssemblyPath(Path.Combine(ModuleFolder, ReaderAssembly + ".dll")));
            }
            return _isolated;
        }
    }

    private static ILiveAws Create(Assembly reader) =>
        (ILiveAws)Activator.CreateInstance(reader.GetType(FacadeType, throwOnError: true)!)!;

    /// <summary>PacketWalk's own copy of PacketWalk.Aws and AWSSDK.*; PacketWalk.Core and the runtime come from the default context.</summary>
    private sealed class IsolatedContext : AssemblyLoadContext
    {
        private readonly string _folder;

        public IsolatedContext(string folder) : base("PacketWalk.Aws", isCollectible: false) => _folder = folder;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name;
            if (name is null || !(name == ReaderAssembly || name.StartsWith("AWSSDK.", StringComparison.Ordinal))) return null;
            var path = Path.Combine(_folder, name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
