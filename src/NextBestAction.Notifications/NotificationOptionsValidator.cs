using Microsoft.Extensions.Options;

namespace NextBestAction.Notifications;

/// <summary>Rules across settings, each failure naming the setting; runs at start-up.</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public const int MinSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.DefaultTimeZone, out _))
        {
            errors.Add($"Notifications:DefaultTimeZone \"{options.DefaultTimeZone}\" is not a known IANA time zone (for example Europe/Amsterdam).");
        }

        if (options.MaxPerDay > options.MaxPerWeek)
        {
            errors.Add("Notifications:MaxPerDay must not be above Notifications:MaxPerWeek.");
        }

        if (options.MaxPerDayPerType > options.MaxPerWeekPerType)
        {
            errors.Add("Notifications:MaxPerDayPerType must not be above Notifications:MaxPerWeekPerType.");
        }

        var webhook = options.Webhook;

        // Data annotations do not reach nested objects; validate the webhook section's ranges here.
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            webhook, new System.ComponentModel.DataAnnotations.ValidationContext(webhook), results, validateAllProperties: true);
        errors.AddRange(results.Select(r => r.ErrorMessage ?? "Notifications:Webhook is invalid."));
        if (webhook.Url.Length > 0)
        {
            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add("Notifications:Webhook:Url must be an absolute http or https URL.");
            }
            else if (uri.Scheme == "http" && !webhook.AllowHttp)
            {
                errors.Add("Notifications:Webhook:AllowHttp is false, so Notifications:Webhook:Url must be https "
                    + "(set Notifications:Webhook:AllowHttp to true only for a receiver on the same host or in tests).");
            }

            if (webhook.Secret.Length < MinSecretLength)
            {
                errors.Add($"Notifications:Webhook:Secret must be at least {MinSecretLength} characters when Notifications:Webhook:Url is set.");
            }

            if (webhook.PreviousSecret.Length is > 0 and < MinSecretLength)
            {
                errors.Add($"Notifications:Webhook:PreviousSecret must be empty or at least {MinSecretLength} characters.");
            }
        }

        if (webhook.InitialBackoffMs > webhook.MaxBackoffMs)
        {
            errors.Add("Notifications:Webhook:InitialBackoffMs must not be above Notifications:Webhook:MaxBackoffMs.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
