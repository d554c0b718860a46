using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Gateway.Rules.Packs;

/// <summary>
/// The one way rule files become typed options: a record's init properties are its keys (<c>OnlyFor</c> is
/// <c>only-for</c>, or <see cref="YamlMemberAttribute.Alias"/>), <c>required</c> ones must be present, and any other
/// key is refused at its line and column, listing the keys that belong there. Values bind by type: text, numbers,
/// booleans, enums (kebab-case names), lists (one value stands for a list of one), mappings, nested records, and
/// any type with a static <c>FromYaml(YamlRuleFile, YamlNode)</c> for values with their own syntax. A record that
/// implements <see cref="IYamlChecked"/> checks what no single value can (one of two keys, a key that needs another).
/// </summary>
/// <remarks>
/// Hand-written over YamlDotNet's node model rather than its deserializer: that one cannot bind from the nodes the
/// depth-guarded reader already holds, and words its errors for .NET types, not for the person editing the pack.
/// </remarks>
public static class YamlBinder
{
    public static T Bind<T>(YamlRuleFile file, YamlNode node, string what, IReadOnlyCollection<string>? alsoKnown = null) =>
        alsoKnown is null ? (T)Bind(typeof(T), file, node, what) : (T)BindRecord(typeof(T), file, node, what, alsoKnown);

    /// <summary>Binds a mapping to a record of <paramref name="type"/>; <paramref name="alsoKnown"/> are keys another record of the same mapping reads.</summary>
    public static object Bind(Type type, YamlRuleFile file, YamlNode node, string what, IReadOnlyCollection<string> alsoKnown) =>
        BindRecord(type, file, node, what, alsoKnown);

    /// <summary>The keys a record type accepts, in declaration order.</summary>
    public static IReadOnlyList<string> Keys(Type type) => Members(type).Select(m => m.Key).ToArray();

    private static object Bind(Type type, YamlRuleFile file, YamlNode node, string what)
    {
        if (type == typeof(YamlNode))
        {
            return node;
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Bind(underlying, file, node, what);
        }
        if (type == typeof(string))
        {
            return file.Scalar(node, what);
        }
        if (type == typeof(int))
        {
            return int.TryParse(file.Scalar(node, what), out var number) ? number : throw file.Error(node, $"{what} must be a whole number");
        }
        if (type == typeof(bool))
        {
            return file.Bool(node, what);
        }
        if (type.IsEnum)
        {
            return Enum(type, file, node, what);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Located<>))
        {
            return Activator.CreateInstance(type, Bind(type.GetGenericArguments()[0], file, node, what), node)!;
        }
        if (type.GetMethod("FromYaml", BindingFlags.Public | BindingFlags.Static, [typeof(YamlRuleFile), typeof(YamlNode)]) is { } fromYaml)
        {
            return Unwrap(() => fromYaml.Invoke(null, [file, node])!);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            IEnumerable<YamlNode> items = node is YamlScalarNode ? [node] : file.AsSequence(node, what).Children;
            foreach (var item in items)
            {
                list.Add(Bind(element, file, item, $"each of {what}"));
            }
            return list;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var (keyType, valueType) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
            foreach (var (key, value) in file.Entries(file.AsMapping(node, what), $"a key of {what}"))
            {
                var boundKey = Bind(keyType, file, key.Node, $"a key of {what}");
                if (dictionary.Contains(boundKey))
                {
                    throw file.Error(key.Node, $"'{key.Value}' is the same key as one before it in {what}");
                }
                dictionary[boundKey] = Bind(valueType, file, value, $"{what} '{key.Value}'");
            }
            return dictionary;
        }
        return BindRecord(type, file, node, what, []);
    }

    private static object BindRecord(Type type, YamlRuleFile file, YamlNode node, string what, IReadOnlyCollection<string> alsoKnown)
    {
        var mapping = file.AsMapping(node, what);
        var members = Members(type);
        var known = members.Select(m => m.Key).Concat(alsoKnown).ToArray();
        file.Keys(mapping, known);
        var record = Activator.CreateInstance(type)
            ?? throw new InvalidOperationException($"{type} needs a parameterless constructor to be bound");
        foreach (var member in members)
        {
            if (YamlRuleFile.Child(mapping, member.Key) is { } value)
            {
                member.Property.SetValue(record, Bind(member.Property.PropertyType, file, value, member.What));
            }
            else if (member.Required)
            {
                throw file.Error(mapping, $"missing '{member.Key}'{(member.Hint is null ? "" : $" ({member.Hint})")}");
            }
        }
        return record is IYamlChecked checkedRecord ? checkedRecord.Check(file, mapping) : record;
    }

    private static object Enum(Type type, YamlRuleFile file, YamlNode node, string what)
    {
        var text = file.Scalar(node, what);
        foreach (var value in System.Enum.GetValues(type))
        {
            if (Kebab(value.ToString()!) == text)
            {
                return value;
            }
        }
        var names = System.Enum.GetNames(type).Select(Kebab).ToArray();
        throw file.Error(node, $"{what} must be {string.Join(", ", names[..^1])} or {names[^1]}, not '{text}'");
    }

    /// <summary>Errors from a value's own reader leave as they are, not wrapped in reflection's exception.</summary>
    private static object Unwrap(Func<object> read)
    {
        try
        {
            return read();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private sealed record Member(PropertyInfo Property, string Key, bool Required, string What, string? Hint);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Member[]> Cache = new();

    private static Member[] Members(Type type) => Cache.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is not null && p.GetCustomAttribute<YamlIgnoreAttribute>() is null)
        .Select(p =>
        {
            var key = p.GetCustomAttribute<YamlMemberAttribute>()?.Alias ?? Kebab(p.Name);
            var hint = p.GetCustomAttribute<DescriptionAttribute>()?.Description;
            return new Member(p, key, p.GetCustomAttribute<RequiredMemberAttribute>() is not null, $"'{key}'", hint);
        })
        .ToArray());

    /// <summary><c>OnlyFor</c> → <c>only-for</c>.</summary>
    public static string Kebab(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}

/// <summary>A bound record that checks itself as a whole and may return a completed copy (with what it derived).</summary>
public interface IYamlChecked
{
    object Check(YamlRuleFile file, YamlMappingNode node);
}

/// <summary>A value with the node it was read from, for errors found after binding.</summary>
public readonly record struct Located<T>(T Value, YamlNode Node);
