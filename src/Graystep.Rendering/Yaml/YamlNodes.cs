using System.Collections;
using System.Globalization;

namespace Graystep.Rendering.Yaml;

/// <summary>What a scalar means; non-strings are written exactly as their text, strings are quoted when needed.</summary>
public enum YamlScalarType
{
    String,
    Number,
    Bool,
    Null,
}

/// <summary>A node of the ordered tree the <see cref="YamlWriter"/> writes. Maps keep insertion order.</summary>
public abstract class YamlNode
{
    public abstract YamlNode DeepClone();

    public static implicit operator YamlNode(string value) => YamlScalar.String(value);

    public static implicit operator YamlNode(int value) => YamlScalar.Number(value);

    public static implicit operator YamlNode(bool value) => YamlScalar.Bool(value);

    public static YamlNode FromString(string value) => YamlScalar.String(value);

    public static YamlNode FromInt32(int value) => YamlScalar.Number(value);

    public static YamlNode FromBoolean(bool value) => YamlScalar.Bool(value);
}

public sealed class YamlScalar : YamlNode
{
    public YamlScalar(string value, YamlScalarType type)
    {
        Value = value;
        Type = type;
    }

    public static YamlScalar Null { get; } = new("null", YamlScalarType.Null);

    /// <summary>The scalar's text: the string itself, or the literal text of a number, bool or null.</summary>
    public string Value { get; }

    public YamlScalarType Type { get; }

    public static YamlScalar String(string value) => new(value, YamlScalarType.String);

    public static YamlScalar Number(long value) => new(value.ToString(CultureInfo.InvariantCulture), YamlScalarType.Number);

    public static YamlScalar Number(double value) => new(value.ToString("R", CultureInfo.InvariantCulture), YamlScalarType.Number);

    public static YamlScalar Bool(bool value) => new(value ? "true" : "false", YamlScalarType.Bool);

    public override YamlNode DeepClone() => this;

    public override string ToString() => Value;
}

public sealed class YamlSeq : YamlNode, IEnumerable<YamlNode>
{
    private readonly List<YamlNode> _items = [];

    public YamlSeq()
    {
    }

    public YamlSeq(IEnumerable<YamlNode> items) => _items.AddRange(items);

    public int Count => _items.Count;

    public YamlNode this[int index]
    {
        get => _items[index];
        set => _items[index] = value;
    }

    public void Add(YamlNode item) => _items.Add(item);

    public void RemoveAll(Predicate<YamlNode> match) => _items.RemoveAll(match);

    public override YamlNode DeepClone() => new YamlSeq(_items.Select(i => i.DeepClone()));

    public IEnumerator<YamlNode> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A mapping with string keys in a fixed order: insertion order unless reordered on purpose.</summary>
public sealed class YamlMap : YamlNode, IEnumerable<KeyValuePair<string, YamlNode>>
{
    private readonly List<KeyValuePair<string, YamlNode>> _entries = [];

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <summary>Gets a value, or null when absent. Setting replaces in place, or appends a new key.</summary>
    public YamlNode? this[string key]
    {
        get
        {
            var i = IndexOf(key);
            return i < 0 ? null : _entries[i].Value;
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var i = IndexOf(key);
            if (i < 0)
            {
                _entries.Add(new(key, value));
            }
            else
            {
                _entries[i] = new(key, value);
            }
        }
    }

    /// <summary>Collection-initializer support; a key may appear once.</summary>
    public void Add(string key, YamlNode value)
    {
        if (IndexOf(key) >= 0)
        {
            throw new ArgumentException($"duplicate key '{key}'", nameof(key));
        }

        _entries.Add(new(key, value));
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool Remove(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        _entries.RemoveAt(i);
        return true;
    }

    public YamlMap? Map(string key) => this[key] as YamlMap;

    public YamlSeq? Seq(string key) => this[key] as YamlSeq;

    /// <summary>The string text of a scalar value, or null when absent or not a scalar.</summary>
    public string? Text(string key) => (this[key] as YamlScalar)?.Value;

    /// <summary>The map under <paramref name="key"/>, created (appended) when absent.</summary>
    public YamlMap GetOrAddMap(string key)
    {
        if (this[key] is YamlMap existing)
        {
            return existing;
        }

        var created = new YamlMap();
        this[key] = created;
        return created;
    }

    /// <summary>Puts the given keys first, in that order; the rest keep their relative order.</summary>
    public void OrderKeys(params string[] first)
    {
        var head = first.Select(IndexOf).Where(i => i >= 0).Select(i => _entries[i]).ToList();
        var tail = _entries.Where(e => !first.Contains(e.Key, StringComparer.Ordinal)).ToList();
        _entries.Clear();
        _entries.AddRange(head);
        _entries.AddRange(tail);
    }

    /// <summary>Sorts keys ordinally: used for label maps, so that adding <c>version</c> lands in one place.</summary>
    public void SortKeys()
    {
        var sorted = _entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        _entries.Clear();
        _entries.AddRange(sorted);
    }

    public override YamlNode DeepClone()
    {
        var clone = new YamlMap();
        foreach (var (key, value) in _entries)
        {
            clone._entries.Add(new(key, value.DeepClone()));
        }

        return clone;
    }

    public IEnumerator<KeyValuePair<string, YamlNode>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key) => _entries.FindIndex(e => string.Equals(e.Key, key, StringComparison.Ordinal));
}
