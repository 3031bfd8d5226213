using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NextBestAction.Ingestion;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Profiles;

/// <summary>The settings of the duplicate window, the profile size and the event age fail at start-up naming themselves.</summary>
public sealed class ProfileSettingsTests
{
    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
            settings.Append(("Redis:Configuration", "127.0.0.1:1")).Select(s => new KeyValuePair<string, string?>(s.Item1, s.Item2)));
        builder.AddProfileStore();
        return builder.Build();
    }

    [Theory]
    [InlineData("Profiles:DuplicateWindowHours", "0")]
    [InlineData("Profiles:DuplicateWindowMaxEvents", "10")]
    [InlineData("Profiles:MaxProfileBytes", "1000")]
    public async Task AddProfileStore_OutOfRangeSetting_FailsAtStartNamingTheSetting(string key, string value)
    {
        using var host = Build((key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddProfileStore_SizeTooSmallForTheDuplicateWindow_FailsAtStartNamingBoth()
    {
        using var host = Build(("Profiles:MaxProfileBytes", "65536"), ("Profiles:DuplicateWindowMaxEvents", "5000"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Profiles:MaxProfileBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Profiles:DuplicateWindowMaxEvents", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(36_501)]
    public void IngestionOptions_MaxEventAgeOutOfRange_IsRefusedNamingTheSetting(int days)
    {
        var options = new IngestionOptions { MaxEventAgeDays = days };
        var errors = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains("Ingestion:MaxEventAgeDays", Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }
}
