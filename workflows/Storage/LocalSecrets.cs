using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Pulang.Workflows.Storage;

/// <summary>
/// The self-host's local secrets (the local issuer's signing key, the download-link key, the release key) in
/// <c>{dataDirectory}/keys/</c>: the folder is created owner-only (0700) and kept so, each secret file is written
/// owner-only (0600) from its first byte (a temporary file created with that mode, then renamed into place, so a
/// replica starting at the same moment reads either no file or the whole secret) and a secret file found readable by
/// others is made owner-only again. The one way Pulang writes a local secret.
/// </summary>
public static class LocalSecrets
{
    /// <summary>Owner read and write (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read, write and search (0700).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The folder of the local secrets under <paramref name="dataDirectory"/>.</summary>
    public static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "keys");

    /// <summary>The file of the secret <paramref name="name"/> under <paramref name="dataDirectory"/>.</summary>
    public static string PathOf(string dataDirectory, string name) => Path.Combine(Folder(dataDirectory), name);

    /// <summary>
    /// The 32-byte key <paramref name="name"/> (stored base64 in <c>{dataDirectory}/keys/{name}</c>), created at random when
    /// missing (see <see cref="LoadOrCreate"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The stored key is not base64 of at least 32 bytes.</exception>
    public static byte[] LoadOrCreateKey(string dataDirectory, string name)
    {
        var text = LoadOrCreate(dataDirectory, name, s => s.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))));
        var file = PathOf(dataDirectory, name);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{file} is not base64; delete it to have a new key made.");
        }

        return bytes.Length >= 32 ? bytes : throw new InvalidOperationException($"{file} holds fewer than 32 bytes; delete it to have a new key made.");
    }

    /// <summary>
    /// The text (UTF-8) of the secret <paramref name="name"/> in <c>{dataDirectory}/keys/{name}</c>. When the file is missing,
    /// <paramref name="write"/> writes its content into a temporary file that was created owner-only (0600), which is then
    /// renamed into place; if another process created the file first, theirs is kept and returned. Creates the data directory
    /// (0700 when it is new) and the keys folder (always 0700); a file found readable by others is made 0600.
    /// </summary>
    public static string LoadOrCreate(string dataDirectory, string name, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
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

            try
            {
                using (var stream = new FileStream(temporary, options))
                {
                    write(stream);
                }

                Publish(temporary, file);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temporary); // another process created it first: use theirs
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & ~FileMode) != 0)
        {
            File.SetUnixFileMode(file, FileMode);
        }

        return File.ReadAllText(file);
    }

    /// <summary>
    /// Gives the written temporary file its name without ever replacing a file of that name: link(2), which fails with EEXIST
    /// (an <see cref="IOException"/>) when another process or thread created the secret first, then removes the temporary
    /// name. <c>File.Move</c> without overwrite checks and renames in two steps on Linux, so two creators at once could each
    /// keep their own key.
    /// </summary>
    static void Publish(string temporary, string file)
    {
        if (OperatingSystem.IsWindows())
        {
            File.Move(temporary, file, overwrite: false);
            return;
        }

        if (link(temporary, file) != 0)
        {
            throw new IOException($"Could not create {file} (errno {Marshal.GetLastPInvokeError()}).");
        }

        File.Delete(temporary);
    }

    [DllImport("libc", SetLastError = true)]
    static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath);
}
