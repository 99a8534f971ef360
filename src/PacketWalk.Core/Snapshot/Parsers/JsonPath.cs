using System.Globalization;
using System.Runtime.CompilerServices;

namespace PacketWalk.Core.Snapshot.Parsers;

/// <summary>
/// The JSON path of a value being read (<c>$.SecurityGroups[3].IpPermissions[0].IpRanges[2]</c>), composed as text only
/// when something needs it: an error message or a resource's <see cref="Model.ResourceOrigin"/>. A large estate holds
/// millions of nested objects (rule ranges, tags, group pairs) whose paths are never shown; building each as a string
/// was the reader's largest allocation.
/// </summary>
internal readonly struct JsonPath
{
    // Text, then up to two steps below it (a rule's range below a permission below a group); a third step makes the
    // first two text. Resource parsers make their own path text once, as their origin needs it anyway.
    private readonly string _text;
    private readonly Step _first;
    private readonly Step _second;

    private readonly record struct Step(string? Name, int Index)
    {
        public bool IsNone => Name is null;

        public void AppendTo(ref DefaultInterpolatedStringHandler text)
        {
            text.AppendLiteral(".");
            text.AppendFormatted(Name);
            if (Index < 0) return;
            text.AppendLiteral("[");
            text.AppendFormatted(Index);
            text.AppendLiteral("]");
        }
    }

    public JsonPath(string text)
    {
        _text = text;
        _first = default;
        _second = default;
    }

    private JsonPath(string text, Step first, Step second)
    {
        _text = text;
        _first = first;
        _second = second;
    }

    /// <summary><c>path.name</c>.</summary>
    public JsonPath Property(string name) => Below(new Step(name, -1));

    /// <summary><c>path.name[index]</c>.</summary>
    public JsonPath Element(string name, int index) => Below(new Step(name, index));

    private JsonPath Below(Step step) =>
        _first.IsNone ? new(_text, step, default)
        : _second.IsNone ? new(_text, _first, step)
        : new(ToString(), step, default);

    public override string ToString()
    {
        if (_first.IsNone) return _text;
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture);
        text.AppendLiteral(_text);
        _first.AppendTo(ref text);
        if (!_second.IsNone) _second.AppendTo(ref text);
        return text.ToStringAndClear();
    }

    public static implicit operator JsonPath(string text) => new(text);
}
