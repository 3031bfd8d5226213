using NextBestAction.Decisioning.Engine;
using StackExchange.Redis;

namespace NextBestAction.Decisioning.Serving;

/// <summary>
/// Reads <see cref="ContactHistory"/> from the Redis hash. An extension so the pure engine knows no Redis type and
/// callers keep writing <c>ContactHistory.FromEntries</c>.
/// </summary>
public static class ContactHistoryEntries
{
    extension(ContactHistory)
    {
        /// <summary>The history from the customer's contact hash.</summary>
        public static ContactHistory FromEntries(HashEntry[] entries, DateTimeOffset now)
        {
            if (entries.Length == 0)
            {
                return ContactHistory.Empty;
            }

            // Read field by field, without a LINQ projection: this runs on every decision.
            var reader = new ContactHistory.FieldReader(now);
            foreach (var entry in entries)
            {
                reader.Add((string)entry.Name!, (long)entry.Value);
            }

            return reader.ToHistory();
        }
    }
}
