namespace NextBestAction.Decisioning.Rules;

/// <summary>The kind of value an attribute or a rule part yields.</summary>
public enum RuleValueType
{
    /// <summary>True or false.</summary>
    Boolean,

    /// <summary>A number (double).</summary>
    Number,

    /// <summary>A text, compared ordinally; an attribute may yield null when the value is unknown.</summary>
    Text,

    /// <summary>A set of texts, used with <c>contains</c> and <c>in</c>.</summary>
    Set,
}

/// <summary>An attribute that rules may name: its dotted name, value type and a description for rule authors.</summary>
public sealed class RuleAttributeInfo
{
    internal RuleAttributeInfo(string name, RuleValueType type, string description, Delegate read)
    {
        Name = name;
        Type = type;
        Description = description;
        Read = read;
    }

    public string Name { get; }

    public RuleValueType Type { get; }

    public string Description { get; }

    /// <summary>The typed getter: <c>Func&lt;TScope, double|bool|string?|IReadOnlySet&lt;string&gt;&gt;</c> matching <see cref="Type"/>.</summary>
    internal Delegate Read { get; }

    public override string ToString() => $"{Name} ({Type}): {Description}";
}

/// <summary>
/// The attributes rules over <typeparamref name="TScope"/> may name, each with a typed getter. Register everything at
/// startup, before compiling rules; compiled rules call the getters directly, without lookups by name.
/// </summary>
public sealed class RuleSchema<TScope>
{
    private readonly List<RuleAttributeInfo> _attributes = [];
    private readonly Dictionary<string, RuleAttributeInfo> _byName = new(StringComparer.Ordinal);

    /// <summary>The registered attributes in registration order, for documentation and error messages.</summary>
    public IReadOnlyList<RuleAttributeInfo> Attributes => _attributes;

    public RuleSchema<TScope> Number(string name, Func<TScope, double> get, string description) =>
        Add(name, RuleValueType.Number, get, description);

    public RuleSchema<TScope> Boolean(string name, Func<TScope, bool> get, string description) =>
        Add(name, RuleValueType.Boolean, get, description);

    public RuleSchema<TScope> Text(string name, Func<TScope, string?> get, string description) =>
        Add(name, RuleValueType.Text, get, description);

    /// <summary>Registers a set of texts; the sets returned should compare ordinally, like the rest of the language.</summary>
    public RuleSchema<TScope> Set(string name, Func<TScope, IReadOnlySet<string>> get, string description) =>
        Add(name, RuleValueType.Set, get, description);

    internal RuleAttributeInfo? Find(string name) => _byName.GetValueOrDefault(name);

    private RuleSchema<TScope> Add(string name, RuleValueType type, Delegate get, string description)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"\"{name}\" is not a valid attribute name: use dot-separated parts that start with a lower-case letter "
                + "and hold only letters and digits, e.g. cart.productLines, and no keyword such as \"and\"",
                nameof(name));
        }

        var attribute = new RuleAttributeInfo(name, type, description, get);
        if (!_byName.TryAdd(name, attribute))
        {
            throw new ArgumentException($"attribute \"{name}\" is already registered", nameof(name));
        }

        _attributes.Add(attribute);
        return this;
    }

    private static bool IsValidName(string name)
    {
        if (RuleTokenizer.IsKeyword(name))
        {
            return false;
        }

        foreach (var part in name.Split('.'))
        {
            if (part.Length == 0 || !char.IsAsciiLetterLower(part[0]) || !part.All(char.IsAsciiLetterOrDigit))
            {
                return false;
            }
        }

        return true;
    }
}
