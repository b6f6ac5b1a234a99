namespace Dropzone.Portal.Hosting;

/// <summary>
/// Secrets mounted as files, as Docker and Kubernetes secrets are: one file per setting under
/// <c>Secrets:Directory</c> (default <c>/run/secrets</c>), named like the environment variable
/// (<c>AzureAd__ClientCredentials__0__ClientSecret</c>), holding the value. Read when the folder exists;
/// a mounted file wins over the other sources, since it is how an operator hands over a secret.
/// </summary>
public static class MountedSecrets
{
    public const string DirectoryKey = "Secrets:Directory";
    public const string DefaultDirectory = "/run/secrets";

    public static IHostApplicationBuilder AddMountedSecrets(this IHostApplicationBuilder builder)
    {
        var directory = Path.GetFullPath(builder.Configuration[DirectoryKey] ?? DefaultDirectory, builder.Environment.ContentRootPath);
        if (Directory.Exists(directory))
        {
            builder.Configuration.AddKeyPerFile(directory, optional: true);
        }
        return builder;
    }
}
