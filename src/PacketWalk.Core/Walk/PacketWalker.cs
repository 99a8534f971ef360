using PacketWalk.Core.Snapshot;

namespace PacketWalk.Core.Walk;

/// <summary>Walks packets hop by hop through one immutable model. Thread-safe: a walker holds no per-walk state.</summary>
public sealed partial class PacketWalker
{
    private readonly NetworkModel _model;
    public PacketWalker(NetworkModel model) => _model = model;
    public NetworkModel Model => _model;
}
