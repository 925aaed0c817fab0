using System.Security.Cryptography;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// The self-host's local secrets (the local issuer's signing key, the download-link key) in
/// <c>{dataDirectory}/keys/</c>: the folder is created owner-only (0700) and kept so, each key file is written
/// owner-only (0600) from its first byte (a temporary file created with that mode, then renamed into place, so a
/// replica starting at the same moment reads either no file or the whole key) and a key file found readable by
/// others is made owner-only again.
/// </summary>
public static class LocalSecrets
{
    /// <summary>Owner read and write (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read, write and search (0700).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The folder of the local secrets under <paramref name="dataDirectory"/>.</summary>
    public static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "keys");

    /// <summary>
    /// The 32-byte key <paramref name="name"/> (stored base64 in <c>{dataDirectory}/keys/{name}</c>), created at random when
    /// missing. Creates the data directory (0700 when it is new) and the keys folder (always 0700).
    /// </summary>
    /// <exception cref="InvalidOperationException">The stored key is not base64 of at least 32 bytes.</exception>
    public static byte[] LoadOrCreateKey(string dataDirectory, string name)
    {
        var folder = Folder(dataDirectory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(dataDirectory, DirectoryMode);
            Directory.CreateDirectory(folder, DirectoryMode);
            File.SetUnixFileMode(folder, DirectoryMode);
        }

        var file = Path.Combine(folder, name);
        if (!File.Exists(file))
        {
            var temporary = $"{file}.{Environment.ProcessId}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.tmp";
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode;
            }

            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }

            try
            {
                File.Move(temporary, file, overwrite: false);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temporary); // another process created it first: use theirs
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & ~FileMode) != 0)
        {
            File.SetUnixFileMode(file, FileMode);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(File.ReadAllText(file).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{file} is not base64; delete it to have a new key made.");
        }

        return bytes.Length >= 32 ? bytes : throw new InvalidOperationException($"{file} holds fewer than 32 bytes; delete it to have a new key made.");
    }
}
