namespace NextBestAction.Notifications;

/// <summary>The notification CloudEvents types of the contract and their kind.</summary>
public static class NotificationTypes
{
    public const string WishlistPriceDrop = "notification.wishlist_price_drop";
    public const string SpendAlert = "notification.spend_alert";
    public const string DeliveryDelay = "notification.delivery_delay";
    public const string NewVersion = "notification.new_version";
    public const string BackInStock = "notification.back_in_stock";

    public static IReadOnlyList<string> All { get; } = [WishlistPriceDrop, SpendAlert, DeliveryDelay, NewVersion, BackInStock];

    /// <summary>
    /// Service notifications keep a promise to the customer (a late delivery); they follow the customer's own
    /// service setting instead of marketing consent and do not count toward the overall caps. Every other type is marketing.
    /// </summary>
    public static bool IsService(string type) => type == DeliveryDelay;

    /// <summary>The short name used in metrics and cap counters: the type without its prefix.</summary>
    public static string ShortName(string type) => type["notification.".Length..];
}

/// <summary>Channels a notification can be sent on.</summary>
public static class NotificationChannels
{
    public const string Push = "push";
    public const string Email = "email";
    public const string AccountManager = "account_manager";
}
