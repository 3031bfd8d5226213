using MemoryPack;

namespace NextBestAction.Profiles;

/// <summary>
/// Stores the duplicate window (<see cref="ProfileBookkeeping.RecentEvents"/>) as a block of (hash, UTC ticks) pairs:
/// 16 bytes an entry instead of the library's 24 (its <see cref="DateTimeOffset"/> takes 16), written and read without
/// a formatter call per entry. Every event rewrites the window, and it is the bookkeeping part's largest map.
/// MemoryPack has no compact time encoding of its own, hence this formatter. The block starts with a marker that the
/// library's dictionary layout (a count, or -1 for null) never starts with, so values written in that layout are read too.
/// </summary>
public sealed class DuplicateWindowFormatter : MemoryPackFormatter<Dictionary<long, DateTimeOffset>>
{
    public static readonly DuplicateWindowFormatter Default = new();

    private const int PackedMarker = -2;

    public override void Serialize<TBufferWriter>(ref MemoryPackWriter<TBufferWriter> writer, scoped ref Dictionary<long, DateTimeOffset>? value)
    {
        if (value is null)
        {
            writer.WriteNullCollectionHeader();
            return;
        }

        writer.WriteUnmanaged(PackedMarker, value.Count);
        foreach (var (hash, at) in value)
        {
            writer.WriteUnmanaged(hash, at.UtcTicks);
        }
    }

    public override void Deserialize(ref MemoryPackReader reader, scoped ref Dictionary<long, DateTimeOffset>? value)
    {
        reader.ReadUnmanaged(out int header);
        if (header == MemoryPackCode.NullCollection)
        {
            value = null;
            return;
        }

        if (header != PackedMarker)
        {
            value = ReadLibraryLayout(ref reader, header);
            return;
        }

        reader.ReadUnmanaged(out int count);
        var window = new Dictionary<long, DateTimeOffset>(count);
        for (var i = 0; i < count; i++)
        {
            reader.ReadUnmanaged(out long hash, out long ticks);
            window[hash] = new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        value = window;
    }

    private static Dictionary<long, DateTimeOffset> ReadLibraryLayout(ref MemoryPackReader reader, int count)
    {
        var window = new Dictionary<long, DateTimeOffset>(count);
        for (var i = 0; i < count; i++)
        {
            reader.ReadUnmanaged(out long hash, out DateTimeOffset at);
            window[hash] = at;
        }

        return window;
    }
}

/// <summary>Marks the member stored by <see cref="DuplicateWindowFormatter"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DuplicateWindowFormatAttribute : MemoryPackCustomFormatterAttribute<DuplicateWindowFormatter, Dictionary<long, DateTimeOffset>>
{
    public override DuplicateWindowFormatter GetFormatter() => DuplicateWindowFormatter.Default;
}
