using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace NextBestAction.Decisioning.DecisionLog;

/// <summary>
/// The <c>data</c> of a <c>decision.logged</c> event as it goes to Kafka: the decision's id, time and versions in plain
/// text, the customer only as a keyed hash (<paramref name="Subject"/>), and the whole <see cref="DecisionLogRecord"/>
/// (customer id, cart, feature values, candidates, choices) sealed with the customer's own key. Erasure deletes that
/// key, so the customer's records on the topic can no longer be opened (crypto-shredding) while everyone else's can.
/// </summary>
/// <param name="Subject">The customer's subject hash; it names the key that opens <paramref name="Sealed"/>.</param>
public sealed record SealedDecisionLogRecord(
    string DecisionId,
    DateTimeOffset At,
    string Subject,
    string ModelVersion,
    string CatalogVersion,
    string Policy,
    string Group,
    SealedContent Sealed);

/// <param name="Alg">The cipher (<see cref="DecisionLogSealing.Algorithm"/>).</param>
/// <param name="Nonce">The 12-byte nonce (base64 in JSON).</param>
/// <param name="Data">The ciphertext followed by the 16-byte tag (base64 in JSON).</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1819:Properties should not return arrays",
    Justification = "A byte array is what the serializer writes as base64 straight from the buffer; a wrapper would copy it.")]
public sealed record SealedContent(string Alg, byte[] Nonce, byte[] Data);

/// <summary>
/// Seals and opens decision-log records with AES-256-GCM. The decision id and subject are bound to the ciphertext as
/// associated data, so a sealed part moved to another record or subject does not open.
/// </summary>
public static class DecisionLogSealing
{
    public const string Algorithm = "A256GCM";
    public const int KeyBytes = 32;

    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static SealedDecisionLogRecord Seal(DecisionLogRecord record, string subject, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var plain = JsonSerializer.SerializeToUtf8Bytes(record, DecisionLogJsonContext.Default.DecisionLogRecord);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var sealedBytes = new byte[plain.Length + TagBytes];
        using (var aes = new AesGcm(CheckedKey(key), TagBytes))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), AssociatedData(record.DecisionId, subject));
        }

        return new SealedDecisionLogRecord(record.DecisionId, record.At, subject, record.ModelVersion, record.CatalogVersion, record.Policy, record.Group,
            new SealedContent(Algorithm, nonce, sealedBytes));
    }

    /// <summary>The record, or null when <paramref name="key"/> is not the one it was sealed with or the content was altered.</summary>
    /// <exception cref="FormatException">The sealed part has the wrong sizes, or names another cipher.</exception>
    public static DecisionLogRecord? Open(SealedDecisionLogRecord record, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Sealed?.Alg != Algorithm)
        {
            throw new FormatException($"sealed.alg must be {Algorithm}");
        }

        var nonce = record.Sealed.Nonce;
        var sealedBytes = record.Sealed.Data;
        if (nonce is not { Length: NonceBytes } || sealedBytes is not { Length: >= TagBytes })
        {
            throw new FormatException("sealed.nonce or sealed.data has the wrong length");
        }

        var plain = new byte[sealedBytes.Length - TagBytes];
        using (var aes = new AesGcm(CheckedKey(key), TagBytes))
        {
            try
            {
                aes.Decrypt(nonce, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), plain, AssociatedData(record.DecisionId, record.Subject));
            }
            catch (AuthenticationTagMismatchException)
            {
                return null;
            }
        }

        return JsonSerializer.Deserialize(plain, DecisionLogJsonContext.Default.DecisionLogRecord);
    }

    private static ReadOnlySpan<byte> CheckedKey(ReadOnlySpan<byte> key) =>
        key.Length == KeyBytes ? key : throw new ArgumentException($"A decision-log key has {KeyBytes} bytes.", nameof(key));

    private static byte[] AssociatedData(string decisionId, string subject) => Encoding.UTF8.GetBytes(decisionId + "\n" + subject);
}
