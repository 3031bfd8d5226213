using System.Security.Cryptography;
using System.Text;

namespace NextBestAction.Notifications;

/// <summary>The webhook request headers and how to check them (the app backend does the same).</summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Nba-Signature";
    public const string TimestampHeader = "X-Nba-Timestamp";
    public const string AttemptHeader = "X-Nba-Delivery-Attempt";
    public const string IdHeader = "X-Nba-Notification-Id";

    /// <summary>Separates the signatures in <see cref="SignatureHeader"/> when more than one secret signs.</summary>
    public const char Separator = ',';

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of "{timestamp}.{body}" under the shared secret.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// The <see cref="SignatureHeader"/> value: one signature per secret, current secret first, comma-separated. During a
    /// rotation both the new and the previous secret sign, so a receiver that knows either one verifies.
    /// </summary>
    public static string SignatureHeaderValue(IEnumerable<string> secrets, string timestamp, ReadOnlySpan<byte> body)
    {
        var signatures = new List<string>();
        foreach (var secret in secrets)
        {
            signatures.Add(Sign(secret, timestamp, body));
        }

        return string.Join(Separator, signatures);
    }

    /// <summary>Constant-time check of a received <see cref="SignatureHeader"/>: true when any of its signatures is the secret's.</summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? signatureHeader)
    {
        if (signatureHeader is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var verified = false;
        foreach (var signature in signatureHeader.Split(Separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            verified |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
        }

        return verified;
    }
}
