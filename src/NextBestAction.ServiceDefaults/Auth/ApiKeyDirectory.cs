using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace NextBestAction.ServiceDefaults.Auth;

/// <summary>
/// The configured API keys, looked up by a presented key: for the <c>X-Api-Key</c> header and the console's sign-in form.
/// Keys are compared as SHA-256 hashes in constant time, so neither timing nor a memory dump of the lookup table reveals them.
/// </summary>
public sealed class ApiKeyDirectory(IOptions<AuthOptions> authOptions)
{
    private readonly (byte[] Hash, ApiKeyOptions Key)[] keys =
        [.. authOptions.Value.ApiKeys.Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k))];

    /// <summary>The configured key equal to <paramref name="presented"/>, or null.</summary>
    public ApiKeyOptions? Find(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKeyOptions? match = null;
        // Every key is compared, so the time taken does not tell how far down the list a match was.
        foreach (var (candidate, key) in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, hash))
            {
                match = key;
            }
        }

        return match;
    }
}
