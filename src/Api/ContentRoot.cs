namespace CrudCqrs.Api;

/// <summary>Where the service finds its appsettings files when started from another directory.</summary>
internal static class ContentRoot
{
    /// <summary>
    /// <c>dotnet /app/CrudCqrs.Api.dll</c> started from another directory would otherwise miss
    /// appsettings.json (the content root defaults to the working directory): fall back to the
    /// application's own directory, unless a content root was chosen explicitly.
    /// </summary>
    public static string? Choose(string[] args) =>
        args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase))
        || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
        || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null
        || File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
            ? null
            : AppContext.BaseDirectory;
}
