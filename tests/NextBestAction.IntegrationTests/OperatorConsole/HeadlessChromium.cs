using System.Drawing;
using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace NextBestAction.IntegrationTests.OperatorConsole;

/// <summary>
/// Debian's headless Chromium driven through its own chromium-driver (same release; tests/run.sh installs both), at
/// 1280x900. Keeps the browser's console log so a test can assert it holds no error, and saves screenshots to the test
/// output folder.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    private const string Browser = "/usr/bin/chromium";
    private const string DriverDirectory = "/usr/bin";
    private const string DriverFile = "chromedriver";

    private readonly List<LogEntry> consoleLog = [];

    public HeadlessChromium()
    {
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        options.SetLoggingPreference(LogType.Browser, OpenQA.Selenium.LogLevel.All);
        // An explicit driver path: Selenium Manager would otherwise try to download a driver.
        var service = ChromeDriverService.CreateDefaultService(DriverDirectory, DriverFile);
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public IWebDriver Driver { get; }

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public void GoTo(Uri address) => Driver.Navigate().GoToUrl(address);

    /// <summary>
    /// Clicks the submit button <paramref name="buttonId"/> and waits for the answer page, the one holding
    /// <paramref name="landsOn"/>: a click returns before the form post's navigation has necessarily finished, and the
    /// page it leaves may hold <paramref name="landsOn"/> too, so first the old page must be gone.
    /// </summary>
    public void Submit(string buttonId, string landsOn)
    {
        // A mark on the leaving page's window: the answer page is a new document with a new window object.
        var script = (IJavaScriptExecutor)Driver;
        script.ExecuteScript("window.nbaLeaving = true;");
        Driver.FindElement(By.Id(buttonId)).Click();
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(30));
        // Mid-navigation the driver may fail to run the script; that is not an answer yet.
        wait.IgnoreExceptionTypes(typeof(WebDriverException));
        wait.Until(_ => script.ExecuteScript("return window.nbaLeaving === true;") is false);
        WaitFor(landsOn);
    }

    /// <summary>Types <paramref name="key"/> into the sign-in form on the page and posts it.</summary>
    public void SignIn(string key, string landsOn)
    {
        Driver.FindElement(By.Id("api-key")).SendKeys(key);
        Submit("sign-in", landsOn);
    }

    /// <summary>Waits for the page holding <paramref name="id"/>, after a navigation the driver may return from early.</summary>
    public void WaitFor(string id) =>
        new WebDriverWait(Driver, TimeSpan.FromSeconds(30)).Until(d => d.FindElements(By.Id(id)).Count > 0);

    /// <summary>Saves the page as <c>screenshots/{name}.png</c> in the test output folder and returns its path.</summary>
    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Saves the whole page, however long, 1280 px wide (the window grows to the page's height first).</summary>
    public string ScreenshotWholePage(string name)
    {
        var height = Convert.ToInt32(((IJavaScriptExecutor)Driver).ExecuteScript("return document.documentElement.scrollHeight"), CultureInfo.InvariantCulture);
        // The window's height includes the browser's own bars, about 140 px in headless Chromium.
        Driver.Manage().Window.Size = new Size(1280, height + 140);
        return Screenshot(name);
    }

    /// <summary>
    /// Saves element <paramref name="id"/> whole, 1280 px wide: the window grows to its height and the page scrolls it to
    /// just below the fixed app bar; the window is 1280x900 again afterwards.
    /// </summary>
    public string ScreenshotOfElement(string id, string name)
    {
        const int belowAppBar = 64;
        var script = (IJavaScriptExecutor)Driver;
        var height = Convert.ToInt32(script.ExecuteScript("return Math.ceil(document.getElementById(arguments[0]).getBoundingClientRect().height)", id), CultureInfo.InvariantCulture);
        Driver.Manage().Window.Size = new Size(1280, height + belowAppBar + 160);
        script.ExecuteScript("window.scrollTo(0, document.getElementById(arguments[0]).getBoundingClientRect().top + window.scrollY - arguments[1]);", id, belowAppBar);
        var path = Screenshot(name);
        Driver.Manage().Window.Size = new Size(1280, 900);
        return path;
    }

    /// <summary>Turns the window into a phone's (390 x 844) and returns the width the page shows and the width its content takes.</summary>
    public (long Viewport, long Content) WidthsOnAPhone()
    {
        Driver.Manage().Window.Size = new Size(390, 844);
        var script = (IJavaScriptExecutor)Driver;
        return (Convert.ToInt64(script.ExecuteScript("return document.documentElement.clientWidth"), CultureInfo.InvariantCulture),
            Convert.ToInt64(script.ExecuteScript("return document.documentElement.scrollWidth"), CultureInfo.InvariantCulture));
    }

    /// <summary>Every console entry since the browser started (the driver hands each out once, so they are kept here).</summary>
    public IReadOnlyList<LogEntry> ConsoleLog()
    {
        consoleLog.AddRange(Driver.Manage().Logs.GetLog(LogType.Browser));
        return consoleLog;
    }

    /// <summary>The console's errors: entries at SEVERE, which is where Chromium puts errors and failed loads.</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        [.. ConsoleLog().Where(e => e.Level == OpenQA.Selenium.LogLevel.Severe).Select(e => e.Message)];

    public void Dispose() => Driver.Quit();
}
