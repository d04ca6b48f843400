using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Esante.MsSante.Webmail.Tests;

/// <summary>
/// Debian's headless Chromium through its chromedriver (nothing downloaded), a fresh profile each time, 1280×800. Every
/// look-up waits for the element (generous timeouts: the machine may be slow), and <see cref="Shot"/> saves the screen.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ChromeDriverPath = "/usr/bin/chromedriver";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "webmail-chromium-" + Guid.NewGuid().ToString("N"));
    private readonly WebmailFixture _site;

    public Browser(WebmailFixture site)
    {
        _site = site;
        if (!File.Exists(ChromiumPath) || !File.Exists(ChromeDriverPath))
        {
            throw new InvalidOperationException("The browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver (./test.sh does).");
        }
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=fr-FR", "--user-data-dir=" + _profile);
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(180));
        Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(120);
        // A 1280×800 page, whatever room the (invisible) browser's own bars take.
        var inner = Driver.ExecuteScript("return [window.innerWidth, window.innerHeight];") as IReadOnlyList<object>;
        var window = Driver.Manage().Window.Size;
        Driver.Manage().Window.Size = new System.Drawing.Size(
            window.Width + 1280 - Convert.ToInt32(inner![0], CultureInfo.InvariantCulture), window.Height + 800 - Convert.ToInt32(inner[1], CultureInfo.InvariantCulture));
    }

    public ChromeDriver Driver { get; }

    public void Go(string path) => Driver.Navigate().GoToUrl(_site.BaseUrl + path);

    public IWebElement Find(string css) => Wait(css, d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed))!;

    /// <summary>The first visible element matching <paramref name="css"/> whose text contains <paramref name="text"/>.</summary>
    public IWebElement FindWithText(string css, string text) =>
        Wait(css, d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed && e.Text.Contains(text, StringComparison.Ordinal)))!;

    /// <summary>Waits for <paramref name="condition"/>; when it never comes, the screen is saved and the page's text told.</summary>
    private T Wait<T>(string what, Func<IWebDriver, T> condition)
    {
        try
        {
            // An element found just before the page reloads (a form posted) goes stale: look again rather than fail.
            var wait = new WebDriverWait(Driver, Patience);
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
            return wait.Until(condition);
        }
        catch (WebDriverTimeoutException e)
        {
            Driver.GetScreenshot().SaveAsFile(Path.Combine(_site.Screenshots, $"failed-{DateTime.UtcNow:HHmmss}.png"));
            var source = Driver.PageSource;
            var main = source.IndexOf("<main", StringComparison.Ordinal) is var at and >= 0 ? source[at..] : source;
            throw new WebDriverTimeoutException($"Waited in vain for {what} on {Driver.Url}; the page holds: {main[..Math.Min(main.Length, 1500)]}", e);
        }
    }

    public void Type(string css, string text)
    {
        var field = Find(css);
        field.Clear();
        field.SendKeys(text);
    }

    public void Click(string css) => Find(css).Click();

    /// <summary>Waits until the page's address path is <paramref name="path"/>.</summary>
    public void WaitForPath(string path) => Wait("the page " + path, d => new Uri(d.Url).AbsolutePath == path);

    public void Shot(string name)
    {
        Thread.Sleep(150);   // let the last layout settle, so the picture shows what the test saw
        Driver.GetScreenshot().SaveAsFile(Path.Combine(_site.Screenshots, name + ".png"));
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            System.IO.Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment; the temporary folder is left behind.
        }
    }
}
