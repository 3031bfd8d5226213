using System.Globalization;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.OperatorConsole.Privacy;

/// <summary>How the privacy desk writes a receipt's parts.</summary>
public static class ReceiptFormat
{
    public const string NothingRemoved = "nothing removed";

    /// <summary>Who asked, for receipts kept before the requester was recorded.</summary>
    public const string UnknownRequester = "not recorded";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>What was removed per key family, for example <c>contacts 1 · decisions 1 · decision-owner 1</c>.</summary>
    public static string Removed(PrivacyReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return receipt.Removed.Count == 0
            ? NothingRemoved
            : string.Join(" · ", receipt.Removed.Select(f => f.Family + " " + f.Removed.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The outcome in words: <c>erased</c>, <c>already erased</c>, <c>nothing held</c>.</summary>
    public static string Outcome(PrivacyReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return receipt.Outcome.Replace('_', ' ');
    }

    public static string RequestedBy(PrivacyReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return string.IsNullOrEmpty(receipt.RequestedBy) ? UnknownRequester : receipt.RequestedBy;
    }
}
