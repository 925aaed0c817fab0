using System.Diagnostics;
using System.Globalization;

namespace Pulang.SelfHost.Hosting;

/// <summary>
/// <c>{azurite data}/azurite.pid</c>: "<c>{process ID} {blob port}</c>" of the Azurite a self-host started, so the next
/// start finds one left behind by a killed self-host. A stale file (no such process, a process that is not Azurite
/// with that data folder, another port) is ignored and overwritten.
/// </summary>
public static class AzuritePidFile
{
    /// <summary>Writes the file (replacing an old one).</summary>
    public static void Write(string file, int processId, int blobPort) =>
        File.WriteAllText(file, string.Create(CultureInfo.InvariantCulture, $"{processId} {blobPort}\n"));

    /// <summary>
    /// The Azurite process the file names, when it still runs, is Azurite (its command line names <c>azurite</c> and
    /// the file's folder) and listens (was started) on <paramref name="blobPort"/>; else null.
    /// </summary>
    public static Process? FindLeftover(string file, int blobPort)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) || parts[1] != blobPort.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        var commandLine = $"/proc/{pid}/cmdline";
        try
        {
            var args = File.Exists(commandLine) ? File.ReadAllText(commandLine).Split('\0') : [];
            if (!args.Any(a => a.Contains("azurite", StringComparison.OrdinalIgnoreCase)) || !args.Contains(Path.GetDirectoryName(file)))
            {
                return null;
            }

            var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null; // exited meanwhile
        }
    }
}
