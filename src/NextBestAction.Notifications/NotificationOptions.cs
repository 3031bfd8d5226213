using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace NextBestAction.Notifications;

/// <summary>
/// Settings under <c>Notifications</c>. Adding one: a property here with its default and range (cross-field rules
/// in <see cref="NotificationOptionsValidator"/>), and a line in docs/configuration.md.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Evaluate triggers on the ingestion path and send notifications.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>CloudEvents <c>source</c> of every notification.</summary>
    [Required(ErrorMessage = "Notifications:Source is required.")]
    public string Source { get; set; } = "/nba/notifications";

    /// <summary>A price change is a drop worth telling when it is at least this many percent of the old price...</summary>
    [Range(0.0, 100.0, ErrorMessage = "Notifications:MinPriceDropPercent must be between 0 and 100.")]
    public double MinPriceDropPercent { get; set; } = 5;

    /// <summary>...and at least this much money.</summary>
    [Range(0.0, 1_000_000.0, ErrorMessage = "Notifications:MinPriceDropAmount must be between 0 and 1000000.")]
    public double MinPriceDropAmount { get; set; } = 1;

    /// <summary>Spend in one category in one ISO week at or above which the customer gets a spend alert.</summary>
    [Range(1.0, 1_000_000_000.0, ErrorMessage = "Notifications:SpendAlertThreshold must be between 1 and 1000000000.")]
    public double SpendAlertThreshold { get; set; } = 500;

    /// <summary>How long after the promised delivery date an undelivered order counts as late.</summary>
    [Range(0, 10_080, ErrorMessage = "Notifications:DeliveryDelayGraceMinutes must be between 0 and 10080.")]
    public int DeliveryDelayGraceMinutes { get; set; } = 60;

    /// <summary><c>optIn</c>: marketing notifications need marketing consent; <c>optOut</c>: they go out unless the customer objected.</summary>
    [AllowedValues("optIn", "optOut", ErrorMessage = "Notifications:MarketingConsent must be optIn or optOut.")]
    public string MarketingConsent { get; set; } = "optIn";

    /// <summary>Notifications per customer per local day, all marketing types together (service notifications are exempt).</summary>
    [Range(1, 1000, ErrorMessage = "Notifications:MaxPerDay must be between 1 and 1000.")]
    public int MaxPerDay { get; set; } = 3;

    /// <summary>Notifications per customer per ISO week, all marketing types together.</summary>
    [Range(1, 10_000, ErrorMessage = "Notifications:MaxPerWeek must be between 1 and 10000.")]
    public int MaxPerWeek { get; set; } = 10;

    /// <summary>Notifications of one type per customer per local day (every type, service included).</summary>
    [Range(1, 1000, ErrorMessage = "Notifications:MaxPerDayPerType must be between 1 and 1000.")]
    public int MaxPerDayPerType { get; set; } = 2;

    /// <summary>Notifications of one type per customer per ISO week.</summary>
    [Range(1, 10_000, ErrorMessage = "Notifications:MaxPerWeekPerType must be between 1 and 10000.")]
    public int MaxPerWeekPerType { get; set; } = 5;

    /// <summary>Start of the quiet hours in the customer's time zone, HH:mm. Equal start and end: no quiet hours.</summary>
    [RegularExpression("^([01][0-9]|2[0-3]):[0-5][0-9]$", ErrorMessage = "Notifications:QuietHoursStart must be a time HH:mm, for example 22:00.")]
    public string QuietHoursStart { get; set; } = "22:00";

    /// <summary>End of the quiet hours, HH:mm; before the start means the next morning.</summary>
    [RegularExpression("^([01][0-9]|2[0-3]):[0-5][0-9]$", ErrorMessage = "Notifications:QuietHoursEnd must be a time HH:mm, for example 08:00.")]
    public string QuietHoursEnd { get; set; } = "08:00";

    /// <summary>IANA time zone of customers who did not state one.</summary>
    [Required(ErrorMessage = "Notifications:DefaultTimeZone is required.")]
    public string DefaultTimeZone { get; set; } = "Europe/Amsterdam";

    /// <summary>B2B customers with at least this total spend are served by their account manager.</summary>
    [Range(0.0, 1_000_000_000.0, ErrorMessage = "Notifications:AccountManagerMinSpend must be between 0 and 1000000000.")]
    public double AccountManagerMinSpend { get; set; } = 10_000;

    [Range(1, 8760, ErrorMessage = "Notifications:PriceDropExpiryHours must be between 1 and 8760.")]
    public int PriceDropExpiryHours { get; set; } = 72;

    [Range(1, 8760, ErrorMessage = "Notifications:BackInStockExpiryHours must be between 1 and 8760.")]
    public int BackInStockExpiryHours { get; set; } = 48;

    /// <summary>A spend alert also expires when its week ends.</summary>
    [Range(1, 8760, ErrorMessage = "Notifications:SpendAlertExpiryHours must be between 1 and 8760.")]
    public int SpendAlertExpiryHours { get; set; } = 48;

    [Range(1, 8760, ErrorMessage = "Notifications:DeliveryDelayExpiryHours must be between 1 and 8760.")]
    public int DeliveryDelayExpiryHours { get; set; } = 72;

    [Range(1, 8760, ErrorMessage = "Notifications:NewVersionExpiryHours must be between 1 and 8760.")]
    public int NewVersionExpiryHours { get; set; } = 336;

    /// <summary>How long a dedup key is remembered; an occasion repeated after this may notify again.</summary>
    [Range(1, 3650, ErrorMessage = "Notifications:DedupRetentionDays must be between 1 and 3650.")]
    public int DedupRetentionDays { get; set; } = 90;

    /// <summary>Shards of each product's wishlist and buyer index (each shard is a set under its own hash tag). Changing it needs a re-index.</summary>
    [Range(1, 1024, ErrorMessage = "Notifications:IndexShards must be between 1 and 1024.")]
    public int IndexShards { get; set; } = 16;

    /// <summary>Customers a fan-out handles per batch (one index scan, one profile read, one claim round trip).</summary>
    [Range(1, 10_000, ErrorMessage = "Notifications:FanoutBatchSize must be between 1 and 10000.")]
    public int FanoutBatchSize { get; set; } = 500;

    /// <summary>Most customers per second a fan-out works through, so a popular product does not crowd out ingestion.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Notifications:FanoutMaxPerSecond must be between 1 and 1000000.")]
    public int FanoutMaxPerSecond { get; set; } = 20_000;

    /// <summary>How often deferred notifications and overdue orders are looked for.</summary>
    [Range(50, 60_000, ErrorMessage = "Notifications:SchedulerPollMs must be between 50 and 60000.")]
    public int SchedulerPollMs { get; set; } = 500;

    public WebhookOptions Webhook { get; set; } = new();

    internal TimeSpan QuietStart => TimeSpan.ParseExact(QuietHoursStart, @"hh\:mm", CultureInfo.InvariantCulture);

    internal TimeSpan QuietEnd => TimeSpan.ParseExact(QuietHoursEnd, @"hh\:mm", CultureInfo.InvariantCulture);
}

/// <summary>Settings under <c>Notifications:Webhook</c>: optional delivery of every notification to an app backend.</summary>
public sealed class WebhookOptions
{
    /// <summary>Absolute https URL (http only with <see cref="AllowHttp"/>); empty turns webhook delivery off.</summary>
    public string Url { get; set; } = "";

    /// <summary>Accept a plain http URL: only for a receiver on the same host or in tests, since http exposes every notification.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>HMAC-SHA256 key for the <c>X-Nba-Signature</c> header; at least 16 characters when a URL is set.</summary>
    public string Secret { get; set; } = "";

    /// <summary>
    /// The secret being replaced during a rotation: while set, every request is signed with both, so receivers can switch
    /// to the new secret at their own pace. Empty: only <see cref="Secret"/> signs.
    /// </summary>
    public string PreviousSecret { get; set; } = "";

    /// <summary>The secrets that sign each request, current first.</summary>
    internal IEnumerable<string> SigningSecrets => PreviousSecret.Length > 0 ? [Secret, PreviousSecret] : [Secret];

    /// <summary>Attempts per notification before it goes to the dead-letter topic.</summary>
    [Range(1, 100, ErrorMessage = "Notifications:Webhook:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the second attempt; doubles per attempt up to <see cref="MaxBackoffMs"/>.</summary>
    [Range(1, 600_000, ErrorMessage = "Notifications:Webhook:InitialBackoffMs must be between 1 and 600000.")]
    public int InitialBackoffMs { get; set; } = 200;

    [Range(1, 3_600_000, ErrorMessage = "Notifications:Webhook:MaxBackoffMs must be between 1 and 3600000.")]
    public int MaxBackoffMs { get; set; } = 30_000;

    /// <summary>Timeout of one attempt.</summary>
    [Range(100, 600_000, ErrorMessage = "Notifications:Webhook:TimeoutMs must be between 100 and 600000.")]
    public int TimeoutMs { get; set; } = 5000;
}
